// Asking the OCSP responder and caching verified answers.
#include "exchange/ocsp_cache.h"

#include "crypto/x509.h"
#include "trust/http_ocsp.h"
#include "trust/ocsp_client.h"

namespace riik::exchange {

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
  return Check(cert, issuer, responder_url, CertificateSha256Hex(cert));
}

Status OcspCache::Check(X509* cert, X509* issuer, const std::string& responder_url, const std::string& fingerprint) {
  const std::string& key = fingerprint;
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
  if (!options_.background || renewer_running_) return;
  // The previous renewer has said it is done and touches nothing of ours any more.
  if (renewer_.joinable()) renewer_.join();
  renewer_running_ = true;
  renewer_ = std::thread([this] { RenewQueued(); });
}

void OcspCache::RenewQueued() {
  while (RenewOne()) {
  }
}

// A failed renewal keeps the cached answer until its freshness runs out (renewals are
// tried again every tenth of it); once it has, the next Check asks itself and fails
// closed.
bool OcspCache::RenewOne() {
  Renewal r;
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (renewals_.empty()) {
      renewer_running_ = false;
      return false;
    }
    r = std::move(renewals_.front());
    renewals_.pop_front();
    generation = generation_;
  }
  UnixMicros asked_at = options_.clock();
  Result<Answer> answer = Ask(r.cert.get(), r.issuer.get(), r.responder_url);
  std::lock_guard lock(mu_);
  if (generation != generation_) return true;
  renewing_.erase(r.key);
  if (answer.ok()) {
    entries_[r.key] = Entry{answer->status, asked_at};
  } else if (auto it = entries_.find(r.key); it != entries_.end()) {
    // A responder that is down is asked again a tenth of the freshness later, not on
    // every check of a busy peer.
    it->second.renew_after =
        asked_at + std::chrono::duration_cast<std::chrono::microseconds>(options_.freshness).count() / 10;
  }
  return true;
}

// The verified answer (good: OK; revoked/unknown: PermissionDenied), or why there is none.
Result<OcspCache::Answer> OcspCache::Ask(X509* cert, X509* issuer, const std::string& responder_url) {
  std::string subject = SubjectString(cert);
  if (responder_url.empty()) return Unavailable("no OCSP responder is configured to check " + subject);
  ASSIGN_OR_RETURN(trust::OcspQuery query, trust::BuildOcspQuery(cert, issuer));
  auto body = trust::PostOcspRequest(responder_url, query.der,
                                     std::chrono::duration_cast<std::chrono::milliseconds>(options_.timeout));
  if (!body.ok()) return body.status();
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(options_.trust_root_pem));
  auto answer = trust::CheckOcspResponse(*body, cert, issuer, root.get(), &query);
  if (!answer.ok()) return Unavailable(answer.status().message());
  // Current: produced within the responder's window, allowing 5 minutes of clock skew.
  UnixMicros now = NowMicros();
  constexpr UnixMicros kSkew = 300'000'000;
  if (answer->this_update > now + kSkew || (answer->next_update != 0 && answer->next_update < now - kSkew)) {
    return Unavailable("the OCSP answer about " + subject + " is not current");
  }
  if (answer->status == trust::CertStatus::kGood) return Answer{OkStatus()};
  if (answer->status == trust::CertStatus::kRevoked) {
    return Answer{PermissionDenied("the certificate of " + subject + " is revoked (" +
                                   std::string(trust::RevocationReasonName(answer->revocation_reason)) + ")")};
  }
  return Answer{PermissionDenied("the OCSP responder does not know the certificate of " + subject)};
}

}  // namespace riik::exchange
