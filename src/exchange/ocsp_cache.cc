// Asking the OCSP responder and caching verified answers.
#include "exchange/ocsp_cache.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "net/client.h"

namespace riik::exchange {
namespace {

constexpr size_t kMaxOcspResponseBytes = 64 * 1024;

const char* kReasons[] = {"unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
                          "superseded",    "cessationOfOperation", "certificateHold", "?",
                          "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};

}  // namespace

OcspCache::~OcspCache() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    renewals_.clear();
  }
  if (renewer_.joinable()) renewer_.join();
}

void OcspCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  renewals_.clear();
  renewing_.clear();
  ++generation_;
}

size_t OcspCache::renewals_pending() const {
  std::lock_guard lock(mu_);
  return renewing_.size();
}

Status OcspCache::Check(X509* cert, X509* issuer, const std::string& responder_url) {
  std::string key = DigestHex(Sha256(CertificateDer(cert)));
  UnixMicros now = options_.clock();
  auto fresh_for = std::chrono::duration_cast<std::chrono::microseconds>(options_.freshness).count();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && now - it->second.checked_at < fresh_for) {
      if (now - it->second.checked_at >= fresh_for / 2 && now >= it->second.renew_after) {
        QueueRenewalLocked(key, cert, issuer, responder_url);
      }
      return it->second.status;
    }
  }
  ASSIGN_OR_RETURN(Answer answer, Ask(cert, issuer, responder_url));
  std::lock_guard lock(mu_);
  entries_[key] = Entry{answer.status, now};
  return answer.status;
}

void OcspCache::QueueRenewalLocked(const std::string& key, X509* cert, X509* issuer, const std::string& responder_url) {
  if (stopping_ || !renewing_.insert(key).second) return;
  X509_up_ref(cert);
  X509_up_ref(issuer);
  renewals_.push_back(Renewal{key, UniquePtr<X509>(cert), UniquePtr<X509>(issuer), responder_url});
  if (renewer_running_) return;
  // The previous renewer has said it is done and touches nothing of ours any more.
  if (renewer_.joinable()) renewer_.join();
  renewer_running_ = true;
  renewer_ = std::thread([this] { RenewLoop(); });
}

// Renews queued answers one by one, then ends. A failed renewal keeps the cached answer
// until its freshness runs out (renewals are tried again every tenth of it); once it has,
// the next Check asks itself and fails closed.
void OcspCache::RenewLoop() {
  for (;;) {
    Renewal r;
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      if (renewals_.empty()) {
        renewer_running_ = false;
        return;
      }
      r = std::move(renewals_.front());
      renewals_.pop_front();
      generation = generation_;
    }
    UnixMicros asked_at = options_.clock();
    Result<Answer> answer = Ask(r.cert.get(), r.issuer.get(), r.responder_url);
    std::lock_guard lock(mu_);
    if (generation != generation_) continue;
    renewing_.erase(r.key);
    if (answer.ok()) {
      entries_[r.key] = Entry{answer->status, asked_at};
    } else if (auto it = entries_.find(r.key); it != entries_.end()) {
      // A responder that is down is asked again a tenth of the freshness later, not on
      // every check of a busy peer.
      it->second.renew_after =
          asked_at + std::chrono::duration_cast<std::chrono::microseconds>(options_.freshness).count() / 10;
    }
  }
}

// The verified answer (good: OK; revoked/unknown: PermissionDenied), or why there is none.
Result<OcspCache::Answer> OcspCache::Ask(X509* cert, X509* issuer, const std::string& responder_url) {
  std::string subject = SubjectString(cert);
  if (responder_url.empty()) return Unavailable("no OCSP responder is configured to check " + subject);
  UniquePtr<OCSP_REQUEST> req(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  if (!req || !id || !OCSP_request_add0_id(req.get(), id) || OCSP_request_add1_nonce(req.get(), nullptr, -1) != 1) {
    return Internal("building an OCSP request: " + OpenSslErrors());
  }
  UniquePtr<OCSP_CERTID> id_copy(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  net::Headers h;
  h.Add("Content-Type", "application/ocsp-request");
  net::ClientOptions co;
  co.timeout = options_.timeout;
  co.max_body_bytes = kMaxOcspResponseBytes;
  auto resp = net::Fetch("POST", responder_url, h, ToDer(req.get(), i2d_OCSP_REQUEST), co);
  if (!resp.ok())
    return Unavailable("the OCSP responder " + responder_url + " did not answer: " + resp.status().message());
  if (resp->status != 200) {
    return Unavailable("the OCSP responder answered HTTP " + std::to_string(resp->status));
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(resp->body.data());
  UniquePtr<OCSP_RESPONSE> response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp->body.size())));
  if (!response) return Unavailable("the OCSP responder sent something that is not an OCSP response");
  if (OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return Unavailable(std::string("the OCSP responder refused: ") +
                       OCSP_response_status_str(OCSP_response_status(response.get())));
  }
  UniquePtr<OCSP_BASICRESP> basic(OCSP_response_get1_basic(response.get()));
  UniquePtr<X509_STORE> store(X509_STORE_new());
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(options_.trust_root_pem));
  UniquePtr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  sk_X509_push(untrusted.get(), issuer);
  if (!basic || !store || X509_STORE_add_cert(store.get(), root.get()) != 1 ||
      OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), 0) <= 0) {
    std::string why = OpenSslErrors("bad signature");
    return Unavailable("the OCSP answer about " + subject + " does not verify: " + why);
  }
  if (OCSP_check_nonce(req.get(), basic.get()) != 1) {
    ERR_clear_error();
    return Unavailable("the OCSP answer about " + subject + " does not carry our nonce");
  }
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  if (OCSP_resp_find_status(basic.get(), id_copy.get(), &status, &reason, &revoked_at, &this_update, &next_update) !=
      1) {
    return Unavailable("the OCSP answer says nothing about " + subject);
  }
  if (OCSP_check_validity(this_update, next_update, 300, -1) != 1) {
    ERR_clear_error();
    return Unavailable("the OCSP answer about " + subject + " is not current");
  }
  if (status == V_OCSP_CERTSTATUS_GOOD) return Answer{OkStatus()};
  if (status == V_OCSP_CERTSTATUS_REVOKED) {
    std::string why = reason >= 0 && reason < static_cast<int>(std::size(kReasons)) ? kReasons[reason] : "unspecified";
    return Answer{PermissionDenied("the certificate of " + subject + " is revoked (" + why + ")")};
  }
  return Answer{PermissionDenied("the OCSP responder does not know the certificate of " + subject)};
}

}  // namespace riik::exchange
