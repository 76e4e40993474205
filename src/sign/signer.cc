// Making a BDOC 2.1 time-stamp profile signature (signer.h).
#include "sign/signer.h"

#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "sign/algorithms.h"
#include "sign/xml.h"
#include "trust/chain_checks.h"
#include "trust/ocsp_client.h"

namespace riik::sign {
namespace {

// The canonical form of one part of the rendered signature: the element with Id `id`, or
// ds:SignedInfo when `id` is empty.
Result<std::string> CanonicalPart(const SignatureParts& parts, std::string_view id) {
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(RenderSignatureXml(parts), "the signature being made"));
  xmlNode* root = xmlDocGetRootElement(doc.get());
  xmlNode* element = nullptr;
  if (id.empty()) {
    ASSIGN_OR_RETURN(xmlNode * signature, OneChild(root, kDsigNs, "Signature"));
    ASSIGN_OR_RETURN(element, OneChild(signature, kDsigNs, "SignedInfo"));
  } else {
    ASSIGN_OR_RETURN(element, FindById(root, id));
  }
  ASSIGN_OR_RETURN(C14n method, C14nFromUri(parts.c14n_uri));
  return Canonicalize(element, method);
}

// The certificates a token carries (the TSA's).
std::vector<std::string> TokenCertificates(std::string_view token_der) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const unsigned char*>(token_der.data());
  UniquePtr<PKCS7> p7(d2i_PKCS7(nullptr, &p, static_cast<long>(token_der.size())));
  if (!p7 || !PKCS7_type_is_signed(p7.get()) || !p7->d.sign) return out;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs && i < sk_X509_num(certs); ++i) out.push_back(CertificateDer(sk_X509_value(certs, i)));
  return out;
}

bool SelfSigned(X509* cert) { return X509_check_issued(cert, cert) == X509_V_OK; }

}  // namespace

std::string XsdDateTime(UnixMicros t) { return FormatRfc3339(t).substr(0, 19) + "Z"; }

Result<PreparedSignature> PrepareSignature(const Container& container, X509* certificate, const SignOptions& options) {
  if (!certificate || !options.trust_root || !options.timestamp || !options.ocsp) {
    return Internal("signing needs the signer's certificate, a trust root, a TSA and OCSP");
  }
  if (container.files.empty()) return InvalidArgument("there is nothing to sign: the container has no data files");
  uint32_t usage = X509_get_key_usage(certificate);
  if (!(usage & KU_NON_REPUDIATION)) {
    return FailedPrecondition("the certificate of " + SubjectString(certificate) +
                              " is not for signing (its key usage has no nonRepudiation): use the signing key, PIN2");
  }
  PreparedSignature out;
  out.file_name = NextSignatureName(container);
  SignatureParts& parts = out.parts;
  parts.id = "S" + out.file_name.substr(std::string_view("META-INF/signatures").size(),
                                        out.file_name.size() - std::string_view("META-INF/signatures.xml").size());
  parts.c14n_uri = std::string(C14nUri(C14n::k11));
  ASSIGN_OR_RETURN(out.method, SignatureMethodFor(X509_get0_pubkey(certificate)));
  parts.signature_method_uri = SignatureMethodUri(out.method);
  for (const DataFile& f : container.files) {
    ASSIGN_OR_RETURN(std::string digest, Hash(EVP_sha256(), f.content));
    parts.files.push_back(SignedFileRef{f.name, f.media_type, std::string(kSha256Uri), Base64Encode(digest)});
  }
  parts.signing_time = XsdDateTime(options.clock());
  parts.signer_certificate_der = CertificateDer(certificate);
  parts.certificate_digest_uri = std::string(kSha256Uri);
  parts.certificate_digest_b64 = Base64Encode(DigestBytes(Sha256(parts.signer_certificate_der)));
  parts.place = options.place;
  parts.roles = options.roles;
  parts.signed_properties_digest_uri = std::string(kSha256Uri);

  // The signed properties' digest goes into SignedInfo, whose digest the key signs.
  ASSIGN_OR_RETURN(std::string signed_properties, CanonicalPart(parts, SignedPropertiesId(parts)));
  parts.signed_properties_digest_b64 = Base64Encode(DigestBytes(Sha256(signed_properties)));
  ASSIGN_OR_RETURN(out.signed_info, CanonicalPart(parts, ""));
  ASSIGN_OR_RETURN(out.digest, Hash(out.method.md, out.signed_info));
  return out;
}

Result<std::string> CompleteSignature(Container& container, const PreparedSignature& prepared, std::string_view value,
                                      const std::vector<X509*>& issuers, const SignOptions& options) {
  if (issuers.empty() || !options.trust_root || !options.timestamp || !options.ocsp) {
    return Internal("completing a signature needs the certificate's issuer, a trust root, a TSA and OCSP");
  }
  // The container is still the one prepared: the same files, the name still free.
  bool same =
      container.files.size() == prepared.parts.files.size() && NextSignatureName(container) == prepared.file_name;
  for (size_t i = 0; same && i < container.files.size(); ++i) {
    auto digest = Hash(EVP_sha256(), container.files[i].content);
    same = digest.ok() && container.files[i].name == prepared.parts.files[i].name &&
           container.files[i].media_type == prepared.parts.files[i].media_type &&
           Base64Encode(*digest) == prepared.parts.files[i].digest_b64;
  }
  if (!same) return FailedPrecondition("the container changed after the signature was prepared: prepare it again");
  SignatureParts parts = prepared.parts;
  // What is signed is what the parts render: the SignedInfo again, from them.
  ASSIGN_OR_RETURN(std::string signed_info, CanonicalPart(parts, ""));
  if (signed_info != prepared.signed_info) return Internal("the prepared signature does not render its SignedInfo");
  ASSIGN_OR_RETURN(UniquePtr<X509> certificate, ParseCertificateDer(parts.signer_certificate_der));
  // The OCSP question names the certificate by its issuer: that must be the issuer.
  if (!trust::SignedBy(issuers.front(), certificate.get())) {
    return FailedPrecondition("the certificate of " + SubjectString(certificate.get()) + " is not issued by " +
                              SubjectString(issuers.front()));
  }
  ASSIGN_OR_RETURN(bool good,
                   VerifyValue(X509_get0_pubkey(certificate.get()), prepared.method, prepared.signed_info, value));
  if (!good) {
    return InvalidArgument("the signature value is not " + SubjectString(certificate.get()) +
                           "'s signature of this document");
  }
  parts.signature_value_b64 = Base64Encode(value);

  // The TSA timestamps the canonical SignatureValue.
  ASSIGN_OR_RETURN(std::string canonical_value, CanonicalPart(parts, SignatureValueId(parts)));
  Digest imprint = Sha256(canonical_value);
  auto token = options.timestamp(DigestBytes(imprint));
  if (!token.ok())
    return Unavailable("the timestamping authority did not timestamp the signature: " + token.status().message());
  std::vector<UniquePtr<X509>> intermediates;
  for (X509* issuer : issuers) {
    X509_up_ref(issuer);
    intermediates.emplace_back(issuer);
  }
  ASSIGN_OR_RETURN(trust::TimestampInfo stamped,
                   trust::VerifyTimestampToken(*token, imprint, options.trust_root, intermediates));
  parts.timestamp_token_b64 = Base64Encode(*token);

  // OCSP, asked after the timestamp.
  X509* signer = certificate.get();
  ASSIGN_OR_RETURN(trust::OcspQuery query, trust::BuildOcspQuery(signer, issuers.front()));
  auto ocsp = options.ocsp(query.der);
  if (!ocsp.ok()) return Unavailable("the OCSP responder did not answer: " + ocsp.status().message());
  auto answer = trust::CheckOcspResponse(*ocsp, signer, issuers.front(), options.trust_root, &query);
  if (!answer.ok()) return Unavailable("the OCSP response cannot be used: " + answer.status().message());
  if (answer->status == trust::CertStatus::kRevoked) {
    return FailedPrecondition("OCSP says the signing certificate of " + SubjectString(signer) + " is revoked (" +
                              std::string(trust::RevocationReasonName(answer->revocation_reason)) + ")");
  }
  if (answer->status != trust::CertStatus::kGood)
    return FailedPrecondition("the OCSP responder does not know the certificate of " + SubjectString(signer));
  if (answer->produced_at < stamped.gen_time)
    return Unavailable(
        "the OCSP response was produced before the timestamp (the clocks of the TSA and the responder "
        "disagree); try again");
  parts.ocsp_values_der.push_back(*ocsp);

  // The certificates a verifier needs besides the root: the signer's CAs and the TSA's.
  for (X509* issuer : issuers)
    if (!SelfSigned(issuer)) parts.certificate_values_der.push_back(CertificateDer(issuer));
  for (std::string& der : TokenCertificates(*token))
    if (std::find(parts.certificate_values_der.begin(), parts.certificate_values_der.end(), der) ==
        parts.certificate_values_der.end())
      parts.certificate_values_der.push_back(std::move(der));

  container.signatures.push_back(SignatureFile{prepared.file_name, RenderSignatureXml(parts)});
  return prepared.file_name;
}

Result<std::string> AddSignature(Container& container, const SignerKey& signer, const SignOptions& options) {
  if (!signer.key || !signer.certificate || signer.issuers.empty()) {
    return Internal("AddSignature needs a key, its certificate and issuer, a trust root, a TSA and OCSP");
  }
  ASSIGN_OR_RETURN(PreparedSignature prepared, PrepareSignature(container, signer.certificate, options));
  ASSIGN_OR_RETURN(std::string value, SignValue(signer.key, prepared.method, prepared.signed_info));
  return CompleteSignature(container, prepared, value, signer.issuers, options);
}

Status RemoveSignature(Container& container, std::string_view name) {
  auto it = std::find_if(container.signatures.begin(), container.signatures.end(),
                         [&](const SignatureFile& s) { return s.name == name; });
  if (it == container.signatures.end()) return NotFound("the container has no signature " + std::string(name));
  container.signatures.erase(it);
  return OkStatus();
}

}  // namespace riik::sign
