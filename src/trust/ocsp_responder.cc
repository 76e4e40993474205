// OCSP responses from the CA's records.
#include "trust/ocsp_responder.h"

#include <spdlog/spdlog.h>

#include "crypto/x509.h"

namespace riik::trust {
namespace {

std::string Encode(OCSP_RESPONSE* resp) { return ToDer(resp, i2d_OCSP_RESPONSE); }

std::string StatusOnly(int status) {
  UniquePtr<OCSP_RESPONSE> resp(OCSP_response_create(status, nullptr));
  return resp ? Encode(resp.get()) : "";
}

}  // namespace

Result<std::unique_ptr<OcspResponder>> OcspResponder::Create(CertificateAuthority& ca, int validity_s, Clock clock) {
  std::vector<Issuer> issuers;
  for (std::string_view name : {"org", "eid"}) {
    ASSIGN_OR_RETURN(CertificateAuthority::Signer signer, ca.ServiceSigner(Profile::kOcspResponder, name));
    X509* cert = name == "org" ? ca.org_certificate() : ca.eid_certificate();
    issuers.push_back(Issuer{std::string(name), cert, std::move(signer)});
  }
  return std::unique_ptr<OcspResponder>(new OcspResponder(ca, std::move(issuers), validity_s, std::move(clock)));
}

const OcspResponder::Issuer* OcspResponder::IssuerOf(OCSP_CERTID* id) const {
  ASN1_OBJECT* md_oid = nullptr;
  if (!OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, id)) return nullptr;
  const EVP_MD* md = EVP_get_digestbyobj(md_oid);
  if (!md) return nullptr;
  for (const auto& issuer : issuers_) {
    UniquePtr<OCSP_CERTID> ours(OCSP_cert_to_id(md, nullptr, issuer.cert));
    if (ours && OCSP_id_issuer_cmp(ours.get(), id) == 0) return &issuer;
  }
  return nullptr;
}

std::string OcspResponder::TryLater() { return StatusOnly(OCSP_RESPONSE_STATUS_TRYLATER); }

std::string OcspResponder::Respond(std::string_view der_request) {
  if (der_request.empty() || der_request.size() > kMaxOcspRequestBytes) {
    return StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der_request.data());
  const unsigned char* end = p + der_request.size();
  UniquePtr<OCSP_REQUEST> req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der_request.size())));
  int count = req ? OCSP_request_onereq_count(req.get()) : 0;
  if (!req || p != end || count < 1 || count > kMaxCertsPerOcspRequest) {
    return StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  bool cacheable = OCSP_REQUEST_get_ext_by_NID(req.get(), NID_id_pkix_OCSP_Nonce, -1) < 0;
  std::string key(der_request);
  UnixMicros now = clock_();
  if (cacheable) {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.until_us > now) return it->second.der;
  }
  Answer answer = Sign(req.get(), count);
  // Only successful answers are kept: a failure should be retried.
  if (cacheable && answer.successful) {
    std::lock_guard lock(cache_mu_);
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_[key] = Cached{answer.der, now + kCacheMicros};
  }
  return answer.der;
}

OcspResponder::Answer OcspResponder::Sign(OCSP_REQUEST* request, int count) {
  UniquePtr<OCSP_BASICRESP> basic(OCSP_BASICRESP_new());
  UnixMicros now = clock_();
  UniquePtr<ASN1_TIME> this_update(ASN1_TIME_set(nullptr, static_cast<time_t>(now / 1000000)));
  UniquePtr<ASN1_TIME> next_update(ASN1_TIME_set(nullptr, static_cast<time_t>(now / 1000000 + validity_s_)));
  const Issuer* issuer = nullptr;
  for (int i = 0; i < count; ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request, i));
    ASN1_INTEGER* serial = nullptr;
    if (!OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id)) {
      return {StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST), false};
    }
    // One signer per response: every certificate asked about must have the same issuer.
    const Issuer* of = IssuerOf(id);
    if (!of || (issuer && of != issuer)) return {StatusOnly(OCSP_RESPONSE_STATUS_UNAUTHORIZED), false};
    issuer = of;

    UniquePtr<BIGNUM> bn(ASN1_INTEGER_to_BN(serial, nullptr));
    char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
    std::string serial_hex = hex ? hex : "";
    OPENSSL_free(hex);
    auto record = ca_.Find(serial_hex);
    if (!record.ok()) {
      spdlog::error("ocsp: looking up a certificate failed: {}", record.status().ToString());
      return {StatusOnly(OCSP_RESPONSE_STATUS_TRYLATER), false};
    }
    int status = V_OCSP_CERTSTATUS_UNKNOWN, reason = -1;
    UniquePtr<ASN1_TIME> revoked_at;
    if (*record && (*record)->ca == issuer->name) {
      if ((*record)->status == "revoked") {
        status = V_OCSP_CERTSTATUS_REVOKED;
        revoked_at.reset(ASN1_TIME_set(nullptr, static_cast<time_t>((*record)->revoked_at.value_or(now) / 1000000)));
        auto r = ParseRevocationReason((*record)->reason.value_or("unspecified"));
        reason = r.ok() ? *r : OCSP_REVOKED_STATUS_UNSPECIFIED;
      } else {
        status = V_OCSP_CERTSTATUS_GOOD;
      }
    }
    if (!OCSP_basic_add1_status(basic.get(), id, status, reason, revoked_at.get(), this_update.get(),
                                next_update.get())) {
      return {StatusOnly(OCSP_RESPONSE_STATUS_INTERNALERROR), false};
    }
  }
  // The issuing CA's certificate rides along, so that a client holding only the root
  // can check the delegated signer's chain.
  UniquePtr<STACK_OF(X509)> chain(sk_X509_new_null());
  sk_X509_push(chain.get(), issuer->cert);
  const CertificateAuthority::Signer& signer = issuer->signer;
  // producedAt from the responder's clock (OCSP_basic_sign would take the system's):
  // OpenSSL has no setter, so the field is set in place and signing told to leave it.
  auto* produced_at = const_cast<ASN1_GENERALIZEDTIME*>(OCSP_resp_get0_produced_at(basic.get()));
  if (OCSP_copy_nonce(basic.get(), request) <= 0 || !produced_at ||
      !ASN1_GENERALIZEDTIME_set(produced_at, static_cast<time_t>(now / 1000000)) ||
      !OCSP_basic_sign(basic.get(), signer.cert.get(), signer.key.get(), EVP_sha256(), chain.get(), OCSP_NOTIME)) {
    return {StatusOnly(OCSP_RESPONSE_STATUS_INTERNALERROR), false};
  }
  UniquePtr<OCSP_RESPONSE> resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (!resp) return {StatusOnly(OCSP_RESPONSE_STATUS_INTERNALERROR), false};
  return {Encode(resp.get()), true};
}

}  // namespace riik::trust
