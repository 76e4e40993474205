// The provider's ID-token signing keys, one line of keys per algorithm (ES256, RS256),
// rolled over without a gap: a new key is published in the JWKS first and signs only
// once it has been published for `publish_ahead`, so that clients that cache the JWKS
// already hold it; the key it replaces stays published until the next rollover, so
// tokens it signed still verify. Each key is a PKCS#8 PEM file, 0600, in a 0700
// directory, named by its kid: "<alg>-<created, Unix seconds>-<random>".
//
// Thread-safe.
#pragma once

#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/jose.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::auth {

struct KeyRingOptions {
  std::string dir;
  std::chrono::seconds publish_ahead{std::chrono::hours(24)};
  std::chrono::seconds rotate_after{std::chrono::hours(24 * 90)};
  std::vector<JwsAlg> algorithms = {JwsAlg::kES256, JwsAlg::kRS256};
  Clock clock = SystemClock();
};

class KeyRing {
 public:
  struct Key {
    std::string kid;
    JwsAlg alg = JwsAlg::kES256;
    UnixMicros created = 0;
    std::shared_ptr<EVP_PKEY> key;
  };

  // Reads the keys in `options.dir` (made 0700 if new), and makes the first key of each
  // algorithm that has none. A key file that is not 0600 or does not parse is an error.
  static Result<std::unique_ptr<KeyRing>> Open(KeyRingOptions options);

  // The key that signs `alg` now: the newest published for at least publish_ahead, or
  // the oldest if none is yet.
  Result<Key> Signing(JwsAlg alg) const;
  // The public JWKS: {"keys": [every published key's JWK]}.
  Json Jwks() const;
  // The published key with this kid (to verify the provider's own tokens).
  Result<Key> Find(std::string_view kid) const;

  // Publishes a new key for `alg`; it signs after publish_ahead. Keys older than the
  // one it replaces are deleted.
  Status Rotate(JwsAlg alg);
  // Rotates each algorithm whose signing key is older than rotate_after and has no
  // successor waiting yet.
  Status RotateIfDue();

 private:
  explicit KeyRing(KeyRingOptions options) : options_(std::move(options)) {}
  Status Load();
  Status RotateLocked(JwsAlg alg);
  std::vector<const Key*> LineLocked(JwsAlg alg) const;  // oldest first
  const Key* SigningLocked(JwsAlg alg) const;

  KeyRingOptions options_;
  mutable std::mutex mu_;
  std::vector<Key> keys_;
};

}  // namespace riik::auth
