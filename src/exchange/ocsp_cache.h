// The OCSP status of member certificates, as a security server needs it for every peer
// (RFC 6960): asked of the responder the global configuration names, verified (signed
// by a responder the issuing CA delegated to, chaining to the state root; fresh; with
// our nonce), and kept for `freshness`. A revoked or unknown certificate is refused at
// once; so is a good one whose status is older than `freshness` and cannot be renewed
// (fail closed, like X-Road's ocspFreshnessSeconds). Once an answer is half its
// freshness old it is renewed in the background (by a short-lived thread of its own, or
// by whoever calls RenewQueued, e.g. a node's housekeeping), so the event loops that
// check peers only wait for the responder the first time they meet a certificate, not
// every `freshness`. Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::exchange {

struct OcspCacheOptions {
  std::string trust_root_pem;          // the state root
  std::chrono::seconds freshness{60};  // how long a verified answer is used
  std::chrono::milliseconds timeout{3000};
  Clock clock = SystemClock();
  // true: renewals run on a short-lived thread of the cache's own; false: they wait in
  // a queue for RenewQueued (a node's housekeeping calls it: no thread per server).
  bool background = true;
};

class OcspCache {
 public:
  explicit OcspCache(OcspCacheOptions options) : options_(std::move(options)) {}
  // Waits for a renewal under way.
  ~OcspCache();
  OcspCache(const OcspCache&) = delete;
  OcspCache& operator=(const OcspCache&) = delete;

  // OK if `cert` (issued by `issuer`) has a verified "good" status no older than the
  // freshness; asks `responder_url` (e.g. http://127.0.0.1:7002/ocsp) when it has none.
  // PermissionDenied names a revoked (with reason) or unknown certificate; Unavailable
  // says the status could not be had (callers refuse the certificate then too).
  // `fingerprint` must be CertificateSha256Hex(cert), the cache's key, for
  // a caller that has it already (the peer checks: one hash per call, not two).
  Status Check(X509* cert, X509* issuer, const std::string& responder_url, const std::string& fingerprint);
  Status Check(X509* cert, X509* issuer, const std::string& responder_url);

  // Forgets every cached status (e.g. when the configuration names another responder),
  // and any renewal under way.
  void Clear();

  // Asks the responder for every renewal queued, one by one (with `background` false;
  // with it true the cache's own thread does this). Each ask takes at most the timeout.
  void RenewQueued();
  // Only the next queued renewal (a node's housekeeping renews one per tick, so that a
  // responder that is down delays its other tasks by one timeout at most); false when
  // none was queued.
  bool RenewOne();

  // Renewals queued or under way (for tests and /metrics).
  size_t renewals_pending() const;

 private:
  struct Entry {
    Status status;               // what the last verified answer said
    UnixMicros checked_at;       // when
    UnixMicros renew_after = 0;  // after a failed renewal: not again before this
  };
  // A verified answer: OK for good, PermissionDenied for revoked or unknown.
  struct Answer {
    Status status;
  };
  // A cached answer to renew: the certificates are our own references.
  struct Renewal {
    std::string key;
    UniquePtr<X509> cert;
    UniquePtr<X509> issuer;
    std::string responder_url;
  };
  Result<Answer> Ask(X509* cert, X509* issuer, const std::string& responder_url);
  void QueueRenewalLocked(const std::string& key, X509* cert, X509* issuer, const std::string& responder_url);

  OcspCacheOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by certificate SHA-256
  std::deque<Renewal> renewals_;          // waiting for the renewing thread
  std::set<std::string> renewing_;        // keys queued or being asked
  uint64_t generation_ = 0;               // Clear() drops the answers of renewals it overtook
  bool renewer_running_ = false;
  bool stopping_ = false;
  std::thread renewer_;
};

}  // namespace riik::exchange
