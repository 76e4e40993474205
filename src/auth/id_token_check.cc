// ID token and logout token checks for relying parties (id_token_check.h).
#include "auth/id_token_check.h"

#include <nlohmann/json.hpp>

#include "auth/jose.h"
#include "core/encoding.h"

namespace riik::auth {
namespace {

// The JWS with its signature verified by the JWKS key it names; iss and aud checked.
Result<Jws> VerifiedToken(std::string_view token, const Json& jwks, const ExpectedToken& e, const char* what) {
  auto jws = ParseJws(token);
  if (!jws.ok()) return PermissionDenied(std::string(what) + ": " + jws.status().message());
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return PermissionDenied("the provider's JWKS holds no keys");
  }
  bool verified = false;
  for (const auto& jwk : jwks["keys"]) {
    if (StringOr(jwk, "kid") != jws->kid) continue;
    auto key = KeyFromJwk(jwk);
    if (!key.ok()) continue;
    auto good = VerifyJws(*jws, key->get());
    verified = verified || (good.ok() && *good);
  }
  if (!verified) return PermissionDenied(std::string(what) + " is not signed by a key of the provider's JWKS");
  if (StringOr(jws->payload, "iss") != e.issuer) return PermissionDenied(std::string(what) + " is from another issuer");
  const Json& aud = jws->payload.contains("aud") ? jws->payload["aud"] : Json();
  bool ours = (aud.is_string() && aud.get<std::string>() == e.client_id);
  if (aud.is_array()) {
    for (const auto& a : aud) ours = ours || (a.is_string() && a.get<std::string>() == e.client_id);
  }
  if (!ours) return PermissionDenied(std::string(what) + " is for another client");
  int64_t now_s = e.now / 1'000'000;
  if (IntOr(jws->payload, "iat", 0) > now_s + e.leeway_s)
    return PermissionDenied(std::string(what) + " is from the future");
  return std::move(*jws);
}

}  // namespace

Result<Json> CheckIdToken(std::string_view id_token, const Json& jwks, const ExpectedToken& expected,
                          std::string_view nonce, std::string_view access_token) {
  ASSIGN_OR_RETURN(Jws jws, VerifiedToken(id_token, jwks, expected, "the ID token"));
  if (IntOr(jws.payload, "exp", 0) < expected.now / 1'000'000 - expected.leeway_s) {
    return PermissionDenied("the ID token has expired");
  }
  if (StringOr(jws.payload, "nonce") != nonce) return PermissionDenied("the ID token's nonce is not the one sent");
  if (StringOr(jws.payload, "sub").empty()) return PermissionDenied("the ID token names no subject");
  if (!access_token.empty()) {
    if (StringOr(jws.payload, "at_hash") != AtHash(jws.alg, access_token)) {
      return PermissionDenied("the ID token's at_hash does not match the access token");
    }
  }
  return jws.payload;
}

Result<Json> CheckLogoutToken(std::string_view logout_token, const Json& jwks, const ExpectedToken& expected) {
  ASSIGN_OR_RETURN(Jws jws, VerifiedToken(logout_token, jwks, expected, "the logout token"));
  const Json& p = jws.payload;
  if (!p.contains("events") || !p["events"].is_object() ||
      !p["events"].contains("http://schemas.openid.net/event/backchannel-logout")) {
    return PermissionDenied("the logout token carries no back-channel logout event");
  }
  if (p.contains("nonce")) return PermissionDenied("a logout token must not carry a nonce");
  if (StringOr(p, "sid").empty()) return PermissionDenied("the logout token names no session (sid)");
  if (IntOr(p, "iat", 0) < expected.now / 1'000'000 - 300) return PermissionDenied("the logout token is stale");
  return p;
}

}  // namespace riik::auth
