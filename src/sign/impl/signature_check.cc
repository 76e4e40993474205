// One signature's checks, in DigiDoc's order, each failure said in plain words.
#include "sign/impl/signature_check.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "sign/algorithms.h"
#include "sign/archive_timestamp.h"
#include "sign/signature_xml.h"
#include "sign/xml.h"
#include "trust/chain_checks.h"
#include "trust/ocsp_client.h"

namespace riik::sign::impl {
namespace {

constexpr size_t kMaxSignatureXmlBytes = 1u << 20;
// A signer's chain is two or three certificates: more would only multiply the work.
constexpr size_t kMaxCarriedCertificates = 16;

// A subject name entry as UTF-8 (whatever its ASN.1 string type), at most 256 bytes.
std::string NameEntry(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return "";
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
  if (n < 0) return "";
  std::string out(Utf8Prefix(std::string_view(reinterpret_cast<char*>(utf8), static_cast<size_t>(n)), 256));
  OPENSSL_free(utf8);
  return out;
}

// The certificates a signature carries beside the signer's are the state's CAs, the same
// in every signature: parsed once per process (decoding their keys is most of a parse),
// kept by the SHA-256 of their DER. Only CA certificates are kept.
Result<UniquePtr<X509>> ParseCarriedCertificate(std::string_view der) {
  static std::mutex mu;
  static std::map<std::string, UniquePtr<X509>>* parsed = new std::map<std::string, UniquePtr<X509>>();
  std::string key = DigestBytes(Sha256(der));
  {
    std::lock_guard lock(mu);
    auto it = parsed->find(key);
    if (it != parsed->end()) {
      X509_up_ref(it->second.get());
      return UniquePtr<X509>(it->second.get());
    }
  }
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificateDer(der));
  if (X509_check_ca(cert.get()) == 1 && der.size() <= 8192) {
    std::lock_guard lock(mu);
    // Anyone can put CA certificates in a container: when full, start over rather than
    // keep the first comers (at most 256 × 8 KiB held).
    if (parsed->size() >= 256) parsed->clear();
    if (X509_up_ref(cert.get())) parsed->emplace(key, UniquePtr<X509>(cert.get()));
  }
  return cert;
}

// Whether a certificate is qualified for signatures as DigiDoc judges it from the
// certificate: its qcStatements (RFC 3739) hold QcCompliance and QcSSCD (ETSI EN 319
// 412-5), or it names the policy QCP-n-qscd or QCP-l-qscd (ETSI EN 319 411-2).
bool Qualified(X509* cert) {
  bool compliance = false, sscd = false;
  UniquePtr<ASN1_OBJECT> qc_oid(OBJ_txt2obj("1.3.6.1.5.5.7.1.3", 1));
  int at = qc_oid ? X509_get_ext_by_OBJ(cert, qc_oid.get(), -1) : -1;
  if (at >= 0) {
    ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(cert, at));
    const unsigned char* p = ASN1_STRING_get0_data(value);
    STACK_OF(ASN1_TYPE)* statements = d2i_ASN1_SEQUENCE_ANY(nullptr, &p, ASN1_STRING_length(value));
    for (int i = 0; i < sk_ASN1_TYPE_num(statements); ++i) {
      ASN1_TYPE* statement = sk_ASN1_TYPE_value(statements, i);
      if (ASN1_TYPE_get(statement) != V_ASN1_SEQUENCE) continue;
      const unsigned char* q = statement->value.sequence->data;
      STACK_OF(ASN1_TYPE)* parts = d2i_ASN1_SEQUENCE_ANY(nullptr, &q, statement->value.sequence->length);
      if (sk_ASN1_TYPE_num(parts) >= 1 && ASN1_TYPE_get(sk_ASN1_TYPE_value(parts, 0)) == V_ASN1_OBJECT) {
        char oid[64];
        OBJ_obj2txt(oid, sizeof oid, sk_ASN1_TYPE_value(parts, 0)->value.object, 1);
        compliance |= std::string_view(oid) == "0.4.0.1862.1.1";
        sscd |= std::string_view(oid) == "0.4.0.1862.1.4";
      }
      sk_ASN1_TYPE_pop_free(parts, ASN1_TYPE_free);
    }
    sk_ASN1_TYPE_pop_free(statements, ASN1_TYPE_free);
  }
  if (compliance && sscd) return true;
  bool policy = false;
  auto* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies, i)->policyid, 1);
    policy |= std::string_view(oid) == "0.4.0.194112.1.2" || std::string_view(oid) == "0.4.0.194112.1.3";
  }
  sk_POLICYINFO_pop_free(policies, POLICYINFO_free);
  ERR_clear_error();
  return policy;
}

class Checker {
 public:
  Checker(const Container& container, const VerifyOptions& options, SignatureReport& report, FileDigests& digests)
      : container_(container), options_(options), report_(report), digests_(digests) {}

  void Run(const SignatureFile& file);

 private:
  void Invalid(std::string why) {
    report_.errors.push_back(std::move(why));
    invalid_ = true;
  }
  void Undecided(std::string why) {
    report_.errors.push_back(std::move(why));
    undecided_ = true;
  }
  void Warn(std::string why) { report_.warnings.push_back(std::move(why)); }

  bool CheckStructure(xmlNode* root);
  void CheckReferences();
  void CheckSignatureValue();
  void CheckSignedProperties();
  void CheckCertificate();
  void CheckTimestamp();
  void CheckOcsp();
  void CheckArchiveTimestamps();

  const Container& container_;
  const VerifyOptions& options_;
  SignatureReport& report_;
  FileDigests& digests_;
  bool invalid_ = false, undecided_ = false;

  xmlNode* signature_ = nullptr;
  xmlNode* signed_info_ = nullptr;
  xmlNode* signature_value_ = nullptr;
  xmlNode* signed_properties_ = nullptr;
  xmlNode* unsigned_properties_ = nullptr;  // may be null
  C14n c14n_ = C14n::k10;
  SignatureMethod method_;
  UniquePtr<X509> signer_;
  std::vector<UniquePtr<X509>> carried_;                // CertificateValues
  X509* anchor_ = nullptr;                              // the trust anchor the signer chains to
  X509* issuer_ = nullptr;                              // the signer's issuer, from the chain
  std::vector<UniquePtr<X509>> chain_;                  // the signer's verified chain, leaf first
  std::map<std::string, std::string> file_references_;  // Reference Id -> file name
  UnixMicros timestamp_time_ = 0;
};

void Checker::Run(const SignatureFile& file) {
  auto doc = ParseXml(file.xml, file.name, kMaxSignatureXmlBytes);
  if (!doc.ok()) return Invalid("the signature cannot be read: " + doc.status().message());
  if (!CheckStructure(xmlDocGetRootElement(doc->get()))) return;
  CheckReferences();
  CheckSignatureValue();
  CheckSignedProperties();
  CheckCertificate();
  CheckTimestamp();
  CheckOcsp();
  CheckArchiveTimestamps();
  report_.verdict = invalid_                   ? Verdict::kInvalid
                    : undecided_               ? Verdict::kIndeterminate
                    : report_.warnings.empty() ? Verdict::kValid
                                               : Verdict::kWarning;
}

bool Checker::CheckStructure(xmlNode* root) {
  auto fail = [&](const Status& st) {
    Invalid("the signature is not a XAdES signature DigiDoc would read: " + st.message());
    return false;
  };
  if (!Is(root, kAsicNs, "XAdESSignatures")) return fail(InvalidArgument("its root is not <asic:XAdESSignatures>"));
  auto signatures = ChildrenNamed(root, kDsigNs, "Signature");
  if (signatures.size() != 1)
    return fail(InvalidArgument("it holds " + std::to_string(signatures.size()) + " signatures; one is expected"));
  signature_ = signatures.front();
  report_.id = Attribute(signature_, "Id");
  auto si = OneChild(signature_, kDsigNs, "SignedInfo");
  if (!si.ok()) return fail(si.status());
  signed_info_ = *si;
  auto sv = OneChild(signature_, kDsigNs, "SignatureValue");
  if (!sv.ok()) return fail(sv.status());
  signature_value_ = *sv;
  auto cm = OneChild(signed_info_, kDsigNs, "CanonicalizationMethod");
  if (!cm.ok()) return fail(cm.status());
  auto c14n = C14nFromUri(Attribute(*cm, "Algorithm"));
  if (!c14n.ok()) return fail(c14n.status());
  c14n_ = *c14n;
  auto sm = OneChild(signed_info_, kDsigNs, "SignatureMethod");
  if (!sm.ok()) return fail(sm.status());
  auto method = SignatureMethodForUri(Attribute(*sm, "Algorithm"));
  if (!method.ok()) return fail(method.status());
  method_ = *method;

  auto key_info = OneChild(signature_, kDsigNs, "KeyInfo");
  if (!key_info.ok()) return fail(key_info.status());
  auto x509_data = OneChild(*key_info, kDsigNs, "X509Data");
  if (!x509_data.ok()) return fail(x509_data.status());
  auto cert_node = OneChild(*x509_data, kDsigNs, "X509Certificate");
  if (!cert_node.ok()) return fail(cert_node.status());
  auto cert_der = Base64Content(Text(*cert_node));
  auto cert = cert_der.ok() ? ParseCertificateDer(*cert_der) : Result<UniquePtr<X509>>(cert_der.status());
  if (!cert.ok()) return fail(InvalidArgument("its signer's certificate cannot be read"));
  signer_ = std::move(*cert);
  report_.signer = NameEntry(signer_.get(), NID_commonName);
  report_.signer_id = NameEntry(signer_.get(), NID_serialNumber);
  report_.signer_certificate_sha256 = CertificateSha256Hex(signer_.get());

  // The qualifying properties: in a ds:Object of this signature, targeting it.
  xmlNode* qualifying = nullptr;
  for (xmlNode* object : ChildrenNamed(signature_, kDsigNs, "Object")) {
    for (xmlNode* qp : ChildrenNamed(object, kXadesNs, "QualifyingProperties")) {
      if (qualifying) return fail(InvalidArgument("it has two <xades:QualifyingProperties>"));
      qualifying = qp;
    }
  }
  if (!qualifying) return fail(InvalidArgument("it has no <xades:QualifyingProperties>"));
  if (Attribute(qualifying, "Target") != "#" + report_.id)
    return fail(InvalidArgument("its qualifying properties are for another signature"));
  auto sp = OneChild(qualifying, kXadesNs, "SignedProperties");
  if (!sp.ok()) return fail(sp.status());
  signed_properties_ = *sp;
  auto up = OptionalChild(qualifying, kXadesNs, "UnsignedProperties");
  if (!up.ok()) return fail(up.status());
  unsigned_properties_ = *up;
  return true;
}

void Checker::CheckReferences() {
  std::set<std::string> signed_names;
  int properties_refs = 0;
  for (xmlNode* ref : ChildrenNamed(signed_info_, kDsigNs, "Reference")) {
    std::string uri = Attribute(ref, "URI");
    auto dm = OneChild(ref, kDsigNs, "DigestMethod");
    auto dv = OneChild(ref, kDsigNs, "DigestValue");
    if (!dm.ok() || !dv.ok()) {
      Invalid("a reference of the signature is incomplete: " + (dm.ok() ? dv.status() : dm.status()).message());
      continue;
    }
    auto md = DigestForUri(Attribute(*dm, "Algorithm"));
    auto expected = Base64Content(Text(*dv));
    if (!md.ok() || !expected.ok()) {
      Invalid("the reference to \"" + uri + "\" has " +
              (md.ok() ? std::string("a digest value that is not base64") : md.status().message()));
      continue;
    }
    auto transforms = OptionalChild(ref, kDsigNs, "Transforms");
    if (Attribute(ref, "Type") == kSignedPropertiesType) {
      ++properties_refs;
      if (uri.empty() || uri[0] != '#' || Attribute(signed_properties_, "Id") != uri.substr(1)) {
        Invalid("the signature's reference to its signed properties points elsewhere (" + uri + ")");
        continue;
      }
      auto target = FindById(signature_, uri.substr(1));
      if (!target.ok() || *target != signed_properties_) {
        Invalid("the signed properties are not found once and only once under Id " + uri.substr(1));
        continue;
      }
      C14n method = C14n::k10;  // XML-DSig's default for a same-document reference
      if (transforms.ok() && *transforms) {
        auto list = Children(*transforms);
        auto chosen = list.size() == 1 ? C14nFromUri(Attribute(list[0], "Algorithm"))
                                       : Result<C14n>(InvalidArgument("more than one transform"));
        if (!chosen.ok()) {
          Invalid("the reference to the signed properties has an unsupported transform: " + chosen.status().message());
          continue;
        }
        method = *chosen;
      }
      auto canonical = Canonicalize(signed_properties_, method);
      auto digest = canonical.ok() ? Hash(*md, *canonical) : Result<std::string>(canonical.status());
      if (!digest.ok() || *digest != *expected)
        Invalid("the signed properties (signing time, certificate, file types) have been changed since signing");
      continue;
    }
    if (transforms.ok() && *transforms) {
      Invalid("the reference to \"" + uri + "\" transforms the file; DigiDoc signs files as they are");
      continue;
    }
    auto name = UriToFileName(uri);
    const DataFile* file = name ? container_.Find(*name) : nullptr;
    if (!file) {
      Invalid("the signature covers \"" + uri + "\", which is not a file of the container");
      continue;
    }
    if (!signed_names.insert(file->name).second) {
      Invalid("the signature covers \"" + file->name + "\" twice");
      continue;
    }
    // Each file's reference needs an Id of its own: its DataObjectFormat names it.
    std::string ref_id = Attribute(ref, "Id");
    if (ref_id.empty() || !file_references_.emplace(ref_id, file->name).second) {
      Invalid("the reference to \"" + file->name + "\" has no Id of its own, so its media type is not signed");
      continue;
    }
    size_t index = static_cast<size_t>(file - container_.files.data());
    auto digest = digests_.Of(index, *md);
    if (!digest.ok() || *digest != *expected) {
      Invalid("the file \"" + file->name + "\" has changed since it was signed");
      continue;
    }
    report_.signed_files.push_back(file->name);  // only files whose digest matched
  }
  if (properties_refs != 1)
    Invalid("the signature must sign its signed properties exactly once (it does " + std::to_string(properties_refs) +
            " times)");
  for (const DataFile& f : container_.files)
    if (!signed_names.count(f.name)) Invalid("the file \"" + f.name + "\" is in the container but not signed");
  // DigiDoc ignores these silently; a person reading the report should know they are there.
  for (const std::string& name : container_.unsigned_metadata)
    Warn("the container also holds \"" + name + "\", which no signature covers");
}

void Checker::CheckSignatureValue() {
  auto value = Base64Content(Text(signature_value_));
  auto canonical = Canonicalize(signed_info_, c14n_);
  UniquePtr<EVP_PKEY> key(X509_get_pubkey(signer_.get()));
  if (!value.ok() || !canonical.ok() || !key) return Invalid("the signature value cannot be read");
  auto good = VerifyValue(key.get(), method_, *canonical, *value);
  if (!good.ok() || !*good)
    Invalid("the signature value does not match the signed content and the signer's key (forged or damaged)");
}

void Checker::CheckSignedProperties() {
  auto ssp = OneChild(signed_properties_, kXadesNs, "SignedSignatureProperties");
  if (!ssp.ok()) return Invalid("the signed properties are incomplete: " + ssp.status().message());
  auto time = OneChild(*ssp, kXadesNs, "SigningTime");
  if (!time.ok()) return Invalid("the signed properties have no signing time");
  report_.signing_time = Text(*time);
  if (!ParseXsdDateTime(report_.signing_time))
    Invalid("the signing time \"" + report_.signing_time + "\" is not a UTC time");

  // The signing certificate: V2 (BDOC 2.1), or V1 as older DigiDoc wrote it.
  auto v2 = OptionalChild(*ssp, kXadesNs, "SigningCertificateV2");
  auto v1 = OptionalChild(*ssp, kXadesNs, "SigningCertificate");
  xmlNode* signing_cert = v2.ok() && *v2 ? *v2 : v1.ok() ? *v1 : nullptr;
  if (!signing_cert) return Invalid("the signed properties do not name the signing certificate");
  auto certs = ChildrenNamed(signing_cert, kXadesNs, "Cert");
  if (certs.size() != 1) return Invalid("the signed properties must name exactly one signing certificate");
  auto cert_digest = OneChild(certs[0], kXadesNs, "CertDigest");
  auto dm = cert_digest.ok() ? OneChild(*cert_digest, kDsigNs, "DigestMethod") : Result<xmlNode*>(cert_digest.status());
  auto dv = cert_digest.ok() ? OneChild(*cert_digest, kDsigNs, "DigestValue") : Result<xmlNode*>(cert_digest.status());
  auto md = dm.ok() ? DigestForUri(Attribute(*dm, "Algorithm")) : Result<const EVP_MD*>(dm.status());
  auto expected = dv.ok() ? Base64Content(Text(*dv)) : Result<std::string>(dv.status());
  auto actual = md.ok() ? Hash(*md, CertificateDer(signer_.get())) : Result<std::string>(md.status());
  if (!expected.ok() || !actual.ok() || *expected != *actual)
    Invalid("the signed properties name another certificate than the one that signed");

  // Each file's media type, as the manifest gives it.
  std::map<std::string, std::string> formats;
  auto sdop = OptionalChild(signed_properties_, kXadesNs, "SignedDataObjectProperties");
  if (sdop.ok() && *sdop) {
    for (xmlNode* format : ChildrenNamed(*sdop, kXadesNs, "DataObjectFormat")) {
      auto mime = OptionalChild(format, kXadesNs, "MimeType");
      formats[Attribute(format, "ObjectReference")] = mime.ok() && *mime ? Text(*mime) : "";
    }
  }
  for (const auto& [ref_id, name] : file_references_) {
    auto it = formats.find("#" + ref_id);
    const DataFile* file = container_.Find(name);
    if (it == formats.end()) {
      Invalid("the signature does not say the media type of \"" + name + "\"");
    } else if (file && it->second != file->media_type) {
      Invalid("the signature gives \"" + name + "\" the media type " + it->second + ", the manifest " +
              file->media_type);
    }
  }
}

void Checker::CheckCertificate() {
  if (unsigned_properties_) {
    auto usp = OptionalChild(unsigned_properties_, kXadesNs, "UnsignedSignatureProperties");
    auto values = usp.ok() && *usp ? OptionalChild(*usp, kXadesNs, "CertificateValues") : Result<xmlNode*>(nullptr);
    if (values.ok() && *values) {
      auto certs = ChildrenNamed(*values, kXadesNs, "EncapsulatedX509Certificate");
      if (certs.size() > kMaxCarriedCertificates)
        return Invalid("the signature carries " + std::to_string(certs.size()) + " certificates; at most " +
                       std::to_string(kMaxCarriedCertificates) + " are read");
      for (xmlNode* c : certs) {
        auto der = Base64Content(Text(c));
        auto cert = der.ok() ? ParseCarriedCertificate(*der) : Result<UniquePtr<X509>>(der.status());
        if (!cert.ok()) return Invalid("a certificate the signature carries cannot be read");
        carried_.push_back(std::move(*cert));
      }
    }
  }
  if (!Qualified(signer_.get()))
    Warn(
        "the signer's certificate does not say it is qualified, its key on a secure signature device (no QcCompliance "
        "and QcSSCD statements): an advanced electronic signature, not a qualified one (DigiDoc: OK (NonQSCD))");
  // Without a keyUsage extension OpenSSL reports every usage: DigiDoc requires the
  // extension, with nonRepudiation in it.
  if (!(X509_get_extension_flags(signer_.get()) & EXFLAG_KUSAGE) ||
      !(X509_get_key_usage(signer_.get()) & KU_NON_REPUDIATION))
    Invalid(
        "the signer's certificate is not for signatures (no nonRepudiation key usage): made with the "
        "authentication key?");
}

void Checker::CheckTimestamp() {
  xmlNode* usp = nullptr;
  if (unsigned_properties_) {
    auto found = OptionalChild(unsigned_properties_, kXadesNs, "UnsignedSignatureProperties");
    usp = found.ok() ? *found : nullptr;
  }
  auto stamps = usp ? ChildrenNamed(usp, kXadesNs, "SignatureTimeStamp") : std::vector<xmlNode*>{};
  report_.profile = stamps.empty() ? "B" : "LT";
  if (stamps.size() != 1) {
    return Invalid(stamps.empty() ? "the signature has no timestamp, so nothing proves when it was made"
                                  : "the signature has " + std::to_string(stamps.size()) +
                                        " signature timestamps; exactly one is expected");
  }
  C14n method = C14n::k10;
  auto cm = OptionalChild(stamps[0], kDsigNs, "CanonicalizationMethod");
  if (cm.ok() && *cm) {
    auto chosen = C14nFromUri(Attribute(*cm, "Algorithm"));
    if (!chosen.ok()) return Invalid("the timestamp names an unknown canonicalisation");
    method = *chosen;
  }
  auto encapsulated = OneChild(stamps[0], kXadesNs, "EncapsulatedTimeStamp");
  auto token = encapsulated.ok() ? Base64Content(Text(*encapsulated)) : Result<std::string>(encapsulated.status());
  if (!token.ok()) return Invalid("the timestamp cannot be read");
  auto canonical = Canonicalize(signature_value_, method);
  if (!canonical.ok()) return Invalid("the signature value cannot be canonicalised for its timestamp");
  auto parsed = trust::TimestampToken::Parse(*token);
  if (!parsed.ok()) return Invalid("the timestamp is not an RFC 3161 token over SHA-256, SHA-384 or SHA-512");
  auto imprint = Hash(parsed->imprint().md, *canonical);
  if (!imprint.ok() || *imprint != parsed->imprint().digest)
    return Invalid("the timestamp is for another signature value");
  Status last = NotFound("no timestamping authority is trusted");
  for (X509* anchor : options_.trust.timestamp_authorities) {
    auto info = parsed->Verify(anchor, carried_);
    if (info.ok()) {
      timestamp_time_ = report_.timestamp_time = info->gen_time;
      break;
    }
    last = info.status();
  }
  if (timestamp_time_ == 0)
    return Undecided("the timestamp is not from a trusted timestamping authority: " + last.message());

  // The signer's chain, judged at the time the TSA attests.
  last = NotFound("no CA is trusted for signers");
  for (X509* anchor : options_.trust.signer_cas) {
    Status chained = trust::VerifyChain(signer_.get(), carried_, anchor, timestamp_time_, &chain_);
    if (chained.ok()) {
      anchor_ = anchor;
      break;
    }
    last = chained;
  }
  if (!anchor_)
    return Undecided("the signer's certificate is not from a trusted CA at the signing time: " + last.message());
  // The issuer whose signature on the signer's certificate verified, not any namesake
  // the signature carries.
  if (chain_.size() >= 2) issuer_ = chain_[1].get();
}

void Checker::CheckOcsp() {
  if (!anchor_ || !issuer_ || !unsigned_properties_) {
    if (timestamp_time_ != 0 && anchor_) Undecided("the signer's issuing CA is not in the signature");
    return;
  }
  auto usp = OptionalChild(unsigned_properties_, kXadesNs, "UnsignedSignatureProperties");
  auto rv = usp.ok() && *usp ? OptionalChild(*usp, kXadesNs, "RevocationValues") : Result<xmlNode*>(nullptr);
  auto ov = rv.ok() && *rv ? OptionalChild(*rv, kXadesNs, "OCSPValues") : Result<xmlNode*>(nullptr);
  auto values = ov.ok() && *ov ? ChildrenNamed(*ov, kXadesNs, "EncapsulatedOCSPValue") : std::vector<xmlNode*>{};
  if (values.empty())
    return Undecided("the signature carries no OCSP answer, so nothing shows the certificate was valid when it signed");
  if (values.size() > kMaxOcspAnswersChecked) {
    return Undecided("the signature carries " + std::to_string(values.size()) + " OCSP answers; at most " +
                     std::to_string(kMaxOcspAnswersChecked) + " are looked at");
  }
  Status last = NotFound("no OCSP answer is about the signer");
  for (xmlNode* value : values) {
    auto der = Base64Content(Text(value));
    if (!der.ok()) continue;
    // The responder's chain is judged when it answered, as DigiDoc does.
    Result<trust::OcspAnswer> answer = NotFound("no OCSP responder is trusted");
    for (X509* anchor : options_.trust.ocsp_responders) {
      answer = trust::CheckOcspResponse(*der, signer_.get(), issuer_, anchor, nullptr, trust::kAtProducedAt);
      if (answer.ok()) break;
    }
    if (!answer.ok()) {
      last = answer.status();
      continue;
    }
    if (answer->status == trust::CertStatus::kRevoked)
      return Invalid("the signer's certificate was revoked (" +
                     std::string(trust::RevocationReasonName(answer->revocation_reason)) + ") at " +
                     FormatRfc3339(answer->revoked_at));
    if (answer->status == trust::CertStatus::kUnknown)
      return Invalid("the OCSP responder did not know the signer's certificate");
    int64_t after = (answer->produced_at - timestamp_time_) / 1'000'000;
    if (after < 0)
      return Invalid("the OCSP answer was produced " + std::to_string(-after) +
                     " s before the timestamp; it must come after it");
    if (after > options_.ocsp_error_after_seconds)
      return Invalid("the OCSP answer came " + std::to_string(after / 3600) + " hours after the timestamp");
    // Signed after the timestamp, but about the status as it was known earlier (RFC 6960
    // thisUpdate): a day or more before, it does not show the certificate held when the
    // signature was made; less, a person should know (DigiDoc does not look: a responder
    // that answers from a CRL gives the CRL's time).
    const int64_t stale = (timestamp_time_ - answer->this_update) / 1'000'000;
    if (stale > options_.ocsp_error_after_seconds) {
      last = DataLoss("an OCSP answer gives the certificate's status as of " + FormatRfc3339(answer->this_update) +
                      ", " + std::to_string(stale / 3600) + " hours before the timestamp");
      continue;
    }
    report_.ocsp_time = answer->produced_at;  // an answer that vouches for the certificate
    if (after > options_.ocsp_warn_after_seconds)
      Warn("the OCSP answer came " + std::to_string(after / 60) + " minutes after the timestamp (more than " +
           std::to_string(options_.ocsp_warn_after_seconds / 60) + ")");
    if (stale > options_.ocsp_this_update_slack_seconds)
      Warn("the OCSP answer gives the certificate's status as of " + FormatRfc3339(answer->this_update) + ", " +
           std::to_string(stale / 60) + " minutes before the timestamp");
    return;
  }
  Undecided("no OCSP answer in the signature can be trusted for the signer: " + last.message());
}

// Each archive timestamp covers the signature as it was when it was added: its imprint
// over everything before it, by a trusted TSA.
void Checker::CheckArchiveTimestamps() {
  if (!unsigned_properties_) return;
  auto usp = OptionalChild(unsigned_properties_, kXadesNs, "UnsignedSignatureProperties");
  if (!usp.ok() || !*usp) return;
  for (xmlNode* archive : ChildrenNamed(*usp, kXades141Ns, "ArchiveTimeStamp")) {
    std::string id = Attribute(archive, "Id");
    C14n method = C14n::k10;
    auto cm = OptionalChild(archive, kDsigNs, "CanonicalizationMethod");
    if (cm.ok() && *cm) {
      auto chosen = C14nFromUri(Attribute(*cm, "Algorithm"));
      if (!chosen.ok()) return Invalid("the archive timestamp " + id + " names an unknown canonicalisation");
      method = *chosen;
    }
    auto encapsulated = OneChild(archive, kXadesNs, "EncapsulatedTimeStamp");
    auto token = encapsulated.ok() ? Base64Content(Text(*encapsulated)) : Result<std::string>(encapsulated.status());
    if (!token.ok()) return Invalid("the archive timestamp " + id + " cannot be read");
    if (!digests_.TakeArchivePass()) {
      return Undecided("the archive timestamp " + id +
                       " is not checked: the container's archive timestamps would hash " + "its data more than " +
                       std::to_string(FileDigests::kArchivePasses) + " times");
    }
    auto parsed = trust::TimestampToken::Parse(*token);
    auto imprint = parsed.ok() ? ArchiveTimestampImprint(signature_, container_, method, archive, parsed->imprint().md)
                               : Result<std::string>(parsed.status());
    if (!imprint.ok() || *imprint != parsed->imprint().digest)
      return Invalid("the archive timestamp " + id +
                     " does not cover the signature as it is: a file, the signature or its validation data changed");
    Status last = NotFound("no timestamping authority is trusted");
    UnixMicros at = 0;
    for (X509* anchor : options_.trust.timestamp_authorities) {
      auto info = parsed->Verify(anchor, carried_);
      if (info.ok()) {
        at = info->gen_time;
        break;
      }
      last = info.status();
    }
    if (at == 0) return Undecided("the archive timestamp " + id + " is not from a trusted TSA: " + last.message());
    report_.archive_times.push_back(at);
    report_.profile = "LTA";
  }
}

}  // namespace

FileDigests::FileDigests(const Container& container) : container_(container) {}

Result<std::string> FileDigests::Of(size_t index, const EVP_MD* md) {
  if (index >= container_.files.size()) return InvalidArgument("no such data file");
  auto [it, fresh] = digests_.try_emplace({index, md});
  if (fresh) {
    Result<std::string> digest = Hash(md, container_.files[index].content);
    if (!digest.ok()) {
      digests_.erase(it);
      return digest.status();
    }
    it->second = std::move(*digest);
  }
  return it->second;
}

bool FileDigests::TakeArchivePass() {
  if (archive_passes_left_ == 0) return false;
  --archive_passes_left_;
  return true;
}

void CheckSignature(const Container& container, const SignatureFile& signature, const VerifyOptions& options,
                    SignatureReport& report, FileDigests& digests) {
  Checker(container, options, report, digests).Run(signature);
}

}  // namespace riik::sign::impl
