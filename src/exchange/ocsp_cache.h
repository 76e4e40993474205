// The OCSP status of member certificates, as a security server needs it for every peer
// (RFC 6960): asked of the responder the global configuration names, verified (signed
// by a responder the issuing CA delegated to, chaining to the state root; fresh; with
// our nonce), and kept for `freshness`. A revoked or unknown certificate is refused at
// once; so is a good one whose status is older than `freshness` and cannot be renewed
// (fail closed, like X-Road's ocspFreshnessSeconds). Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::exchange {

struct OcspCacheOptions {
  std::string trust_root_pem;              // the state root
  std::chrono::seconds freshness{60};      // how long a verified answer is used
  std::chrono::milliseconds timeout{3000};
  Clock clock = SystemClock();
};

class OcspCache {
 public:
  explicit OcspCache(OcspCacheOptions options) : options_(std::move(options)) {}

  // OK if `cert` (issued by `issuer`) has a verified "good" status no older than the
  // freshness; asks `responder_url` (e.g. http://127.0.0.1:7002/ocsp) when it has none.
  // PermissionDenied names a revoked (with reason) or unknown certificate; Unavailable
  // says the status could not be had (callers refuse the certificate then too).
  Status Check(X509* cert, X509* issuer, const std::string& responder_url);

  // Forgets every cached status (e.g. when the configuration names another responder).
  void Clear();

 private:
  struct Entry {
    Status status;          // what the last verified answer said
    UnixMicros checked_at;  // when
  };
  // A verified answer: OK for good, PermissionDenied for revoked or unknown.
  struct Answer {
    Status status;
  };
  Result<Answer> Ask(X509* cert, X509* issuer, const std::string& responder_url);

  OcspCacheOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by certificate SHA-256
};

}  // namespace riik::exchange
