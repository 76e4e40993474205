// Building OCSP requests and checking responses (ocsp_client.h).
#include "trust/ocsp_client.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <iterator>
#include <vector>

#include "crypto/x509.h"
#include "trust/chain_checks.h"

namespace riik::trust {

std::string_view RevocationReasonName(int reason) {
  static constexpr std::string_view kReasons[] = {
      "unspecified",     "keyCompromise", "cACompromise",  "affiliationChanged", "superseded",  "cessationOfOperation",
      "certificateHold", "unspecified",   "removeFromCRL", "privilegeWithdrawn", "aACompromise"};
  return reason >= 0 && reason < static_cast<int>(std::size(kReasons)) ? kReasons[reason] : "unspecified";
}

UnixMicros Asn1TimeMicros(const ASN1_TIME* time) {
  if (!time) return 0;
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return static_cast<UnixMicros>(timegm(&tm)) * 1'000'000;
}

Result<OcspQuery> BuildOcspQuery(X509* cert, X509* issuer, bool nonce) {
  OcspQuery query;
  query.request.reset(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  if (!query.request || !id || !OCSP_request_add0_id(query.request.get(), id)) {
    if (id && !query.request) OCSP_CERTID_free(id);
    return Internal("building an OCSP request: " + OpenSslErrors());
  }
  if (nonce && OCSP_request_add1_nonce(query.request.get(), nullptr, -1) != 1)
    return Internal("adding a nonce to an OCSP request: " + OpenSslErrors());
  query.der = ToDer(query.request.get(), i2d_OCSP_REQUEST);
  return query;
}

Result<OcspAnswer> CheckOcspResponse(std::string_view der, X509* cert, X509* issuer, X509* trust_root,
                                     const OcspQuery* query, UnixMicros at) {
  std::string subject = SubjectString(cert);
  if (der.size() > kMaxOcspResponseBytes) return DataLoss("the OCSP response about " + subject + " is too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  UniquePtr<OCSP_RESPONSE> response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response || p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
    ERR_clear_error();
    return DataLoss("not an OCSP response (about " + subject + ")");
  }
  int response_status = OCSP_response_status(response.get());
  // Busy or failing for now: the same question may be answered in a moment.
  if (response_status == OCSP_RESPONSE_STATUS_TRYLATER || response_status == OCSP_RESPONSE_STATUS_INTERNALERROR) {
    return Unavailable("the OCSP responder could not answer about " + subject + " now (" +
                       OCSP_response_status_str(response_status) + "); ask again later");
  }
  if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    return DataLoss(std::string("the OCSP responder refused: ") + OCSP_response_status_str(response_status));
  UniquePtr<OCSP_BASICRESP> basic(OCSP_response_get1_basic(response.get()));
  UniquePtr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  if (!basic || !untrusted || !sk_X509_push(untrusted.get(), issuer)) {
    ERR_clear_error();
    return DataLoss("the OCSP response about " + subject + " cannot be read");
  }
  std::vector<X509*> candidates{issuer};
  const STACK_OF(X509)* carried = OCSP_resp_get0_certs(basic.get());
  for (int i = 0; i < sk_X509_num(carried); ++i) candidates.push_back(sk_X509_value(carried, i));
  if (at == kAtProducedAt) at = Asn1TimeMicros(OCSP_resp_get0_produced_at(basic.get()));
  if (at == 0) at = NowMicros();
  ASSIGN_OR_RETURN(UniquePtr<X509_STORE> store, TrustStoreAt(trust_root, at, candidates));
  // A responder `issuer` delegated to, whose link was verified before: OpenSSL checks the
  // answer's signature, and the delegation is checked here as OpenSSL would (issued and
  // signed by the issuer, OCSPSigning, valid at `at`, the issuer chaining to the root),
  // without verifying the same link again for every answer.
  unsigned long flags = 0;
  X509* responder = nullptr;
  if (OCSP_resp_get0_signer(basic.get(), &responder, nullptr) == 1 && responder && X509_cmp(responder, issuer) != 0 &&
      (X509_get_extension_flags(responder) & EXFLAG_XKUSAGE) &&
      (X509_get_extended_key_usage(responder) & XKU_OCSP_SIGN) &&
      !(X509_get_extension_flags(responder) & EXFLAG_CRITICAL) && CertificateValidAt(responder, at) &&
      SignedBy(issuer, responder) && VerifyChain(issuer, {}, trust_root, at).ok()) {
    flags = OCSP_NOVERIFY;
  }
  ERR_clear_error();
  if (OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), flags) <= 0) {
    std::string why = OpenSslErrors("bad signature");
    for (X509* c : {responder, issuer, trust_root})
      if (c && !CertificateValidAt(c, at)) why = SubjectString(c) + " is not valid at " + FormatRfc3339(at);
    return DataLoss("the OCSP response about " + subject + " does not verify: " + why);
  }
  if (query && OCSP_check_nonce(query->request.get(), basic.get()) != 1) {
    ERR_clear_error();
    return DataLoss("the OCSP response about " + subject + " does not carry our nonce");
  }
  UniquePtr<OCSP_CERTID> id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  OcspAnswer answer;
  int status = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  bool found = id && OCSP_resp_find_status(basic.get(), id.get(), &status, &answer.revocation_reason, &revoked_at,
                                           &this_update, &next_update) == 1;
  if (!found) {
    // A CertID with another hash (e.g. SHA-256 from another client) matches as well.
    for (int i = 0; i < OCSP_resp_count(basic.get()) && !found; ++i) {
      OCSP_SINGLERESP* single = OCSP_resp_get0(basic.get(), i);
      const OCSP_CERTID* cid = OCSP_SINGLERESP_get0_id(single);
      ASN1_OBJECT* md_oid = nullptr;
      OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, const_cast<OCSP_CERTID*>(cid));
      const EVP_MD* md = md_oid ? EVP_get_digestbyobj(md_oid) : nullptr;
      UniquePtr<OCSP_CERTID> other(md ? OCSP_cert_to_id(md, cert, issuer) : nullptr);
      if (other && OCSP_id_cmp(other.get(), cid) == 0) {
        status = OCSP_single_get0_status(single, &answer.revocation_reason, &revoked_at, &this_update, &next_update);
        found = true;
      }
    }
  }
  ERR_clear_error();
  if (!found) return DataLoss("the OCSP response says nothing about " + subject);
  answer.status = status == V_OCSP_CERTSTATUS_GOOD      ? CertStatus::kGood
                  : status == V_OCSP_CERTSTATUS_REVOKED ? CertStatus::kRevoked
                                                        : CertStatus::kUnknown;
  answer.produced_at = Asn1TimeMicros(OCSP_resp_get0_produced_at(basic.get()));
  answer.this_update = Asn1TimeMicros(this_update);
  answer.next_update = Asn1TimeMicros(next_update);
  answer.revoked_at = Asn1TimeMicros(revoked_at);
  X509* signer = nullptr;
  if (OCSP_resp_get0_signer(basic.get(), &signer, untrusted.get()) == 1 && signer)
    answer.responder = SubjectString(signer);
  return answer;
}

}  // namespace riik::trust
