// A sign-in under way at a service that signs people in through the sign-in service (the
// portal, the demo services: node/web_sign_in.h), held by the browser alone: the OpenID
// Connect `state` the service sends the browser off with says when it was made, under the
// service's tag, and the nonce and PKCE verifier derive from it. The service keeps
// nothing per sign-in, so that nobody can push out someone else's by starting many
// (docs/formats/login-state.md).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/status.h"

namespace riik::auth {

struct LoginSecrets {
  std::string nonce;     // the ID token must carry it back
  std::string verifier;  // PKCE's code_verifier (the challenge is its SHA-256)
};

struct Login {
  std::string state;
  LoginSecrets secrets;
};

class LoginStates {
 public:
  // How long a browser has to come back with its code.
  static constexpr int64_t kLifetimeUs = 10 * 60 * 1'000'000LL;
  // How far the clock may have stepped back since a state was made.
  static constexpr int64_t kClockSlackUs = 60 * 1'000'000LL;
  // A state's bytes (time, random, tag) and its length in base64url.
  static constexpr size_t kTimeBytes = 8, kRandomBytes = 16, kTagBytes = 16;
  static constexpr size_t kStateChars = 54;

  // `key`: 32 random bytes of the service's, in memory only.
  explicit LoginStates(std::string key) : key_(std::move(key)) { assert(key_.size() >= 32); }

  // A fresh state made at `now`; Internal if there is no randomness.
  Result<Login> Make(UnixMicros now) const;
  // The secrets of `state` if this key made it and it is at most kLifetimeUs old at `now`:
  // InvalidArgument if this key did not make it (another service's, one made before a
  // restart, an altered one), DeadlineExceeded if it is older, FailedPrecondition if it
  // was made more than kClockSlackUs after `now` (the clock set back since).
  Result<LoginSecrets> Open(std::string_view state, UnixMicros now) const;

 private:
  std::string Tag(std::string_view time_and_random) const;
  LoginSecrets SecretsOf(std::string_view state) const;

  std::string key_;
};

}  // namespace riik::auth
