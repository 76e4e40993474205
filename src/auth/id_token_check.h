// The relying party's side of sign-in: checking an ID token from the token endpoint
// (OpenID Connect Core §3.1.3.7) and a back-channel logout token (OpenID Connect
// Back-Channel Logout §2.6) against the provider's JWKS, as any standard client does.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::auth {

struct ExpectedToken {
  std::string issuer;     // the provider's issuer, exactly
  std::string client_id;  // our client_id: the aud
  UnixMicros now = 0;
  int64_t leeway_s = 60;  // clock skew allowed on iat/exp
};

// The ID token's claims once its signature verifies with a key of `jwks` (by kid, of an
// algorithm riik accepts), iss and aud are ours, it has not expired, the nonce is the
// one we sent, and at_hash matches `access_token`. PermissionDenied says which failed.
Result<Json> CheckIdToken(std::string_view id_token, const Json& jwks, const ExpectedToken& expected,
                          std::string_view nonce, std::string_view access_token);

// The logout token's claims once its signature, iss, aud and iat check out, it carries
// the back-channel logout event and a sid, and no nonce (so that an ID token can never
// pass as one). PermissionDenied says which failed.
Result<Json> CheckLogoutToken(std::string_view logout_token, const Json& jwks, const ExpectedToken& expected);

}  // namespace riik::auth
