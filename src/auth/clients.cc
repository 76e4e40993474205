// Client registrations and client authentication (clients.h).
#include "auth/clients.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "net/http.h"

namespace riik::auth {
namespace {

constexpr int64_t kMaxAssertionLifetimeUs = 10 * 60 * 1'000'000LL;
constexpr size_t kMaxRememberedAssertions = 100'000;

}  // namespace

bool Client::HasRedirect(std::string_view uri) const {
  for (const auto& r : redirect_uris) {
    if (r == uri) return true;
  }
  return false;
}

Result<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header) {
  if (header.size() < 6 || (header.substr(0, 6) != "Basic " && header.substr(0, 6) != "basic ")) {
    return InvalidArgument("not HTTP Basic authorization");
  }
  ASSIGN_OR_RETURN(Bytes decoded, Base64Decode(header.substr(6)));
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return InvalidArgument("HTTP Basic credentials without a colon");
  return std::make_pair(net::PercentDecode(decoded.substr(0, colon), true),
                        net::PercentDecode(decoded.substr(colon + 1), true));
}

Result<Client> ClientAuthenticator::Authenticate(const ClientCredentials& c) {
  bool basic = !c.authorization.empty();
  bool assertion = !c.assertion.empty() || !c.assertion_type.empty();
  if (basic && assertion) return Unauthenticated("the client authenticated in two ways at once");
  if (assertion) return ByAssertion(c);
  if (!basic) return Unauthenticated("the client did not authenticate (HTTP Basic or a client assertion)");
  auto parsed = ParseBasicAuthorization(c.authorization);
  if (!parsed.ok()) return Unauthenticated(parsed.status().message());
  const auto& [id, secret] = *parsed;
  if (!c.client_id.empty() && c.client_id != id) return Unauthenticated("client_id differs from the authenticated one");
  auto client = lookup_(id);
  if (!client.ok()) return Unauthenticated("unknown client");
  if (client->method != Client::Method::kSecretBasic) {
    return Unauthenticated("the client is registered for private_key_jwt, not a secret");
  }
  if (!SameToken(DigestHex(Sha256(secret)), client->secret_sha256)) {
    return Unauthenticated("wrong client secret");
  }
  return client;
}

Result<Client> ClientAuthenticator::ByAssertion(const ClientCredentials& c) {
  if (c.assertion_type != kJwtBearerAssertion) {
    return Unauthenticated("client_assertion_type must be " + std::string(kJwtBearerAssertion));
  }
  auto jws = ParseJws(c.assertion);
  if (!jws.ok()) return Unauthenticated("client_assertion: " + jws.status().message());
  std::string iss = StringOr(jws->payload, "iss"), sub = StringOr(jws->payload, "sub");
  std::string jti = StringOr(jws->payload, "jti");
  if (iss.empty() || iss != sub)
    return Unauthenticated("the client assertion's iss and sub must both be the client_id");
  if (!c.client_id.empty() && c.client_id != iss) return Unauthenticated("client_id differs from the assertion's");
  if (jti.empty() || jti.size() > 256) return Unauthenticated("the client assertion needs a jti");
  auto client = lookup_(iss);
  if (!client.ok()) return Unauthenticated("unknown client");
  if (client->method != Client::Method::kPrivateKeyJwt) {
    return Unauthenticated("the client is registered for client_secret_basic, not a key");
  }
  // The audience: the token endpoint (or the issuer), as a string or in an array.
  bool aud_ok = false;
  const Json& aud = jws->payload.contains("aud") ? jws->payload["aud"] : Json();
  for (const auto& want : audiences_) {
    if (aud.is_string() && aud.get<std::string>() == want) aud_ok = true;
    if (aud.is_array()) {
      for (const auto& a : aud) aud_ok = aud_ok || (a.is_string() && a.get<std::string>() == want);
    }
  }
  if (!aud_ok) return Unauthenticated("the client assertion is not for this token endpoint (aud)");
  UnixMicros now = clock_();
  // In seconds first: any exp the sender likes is read before the signature is checked,
  // and one past INT64_MAX / 10^6 would overflow when made microseconds.
  const int64_t exp_s = IntOr(jws->payload, "exp", 0);
  if (exp_s <= 0 || exp_s > INT64_MAX / 1'000'000) return Unauthenticated("the client assertion has no valid exp");
  const int64_t exp = exp_s * 1'000'000;
  if (exp <= now) return Unauthenticated("the client assertion has expired (exp)");
  if (exp > now + kMaxAssertionLifetimeUs) return Unauthenticated("the client assertion lives over 10 minutes");
  auto keys = ParseJson(client->jwks, JsonLimits{64 * 1024, 8});
  if (!keys.ok() || !keys->contains("keys") || !(*keys)["keys"].is_array()) {
    return Unauthenticated("the client's registered JWKS does not parse");
  }
  bool verified = false;
  for (const auto& jwk : (*keys)["keys"]) {
    if (!jws->kid.empty() && StringOr(jwk, "kid") != jws->kid) continue;
    auto key = KeyFromJwk(jwk);
    if (!key.ok()) continue;
    auto good = VerifyJws(*jws, key->get());
    if (good.ok() && *good) verified = true;
  }
  if (!verified) return Unauthenticated("the client assertion's signature does not verify with the registered keys");
  std::lock_guard lock(mu_);
  if (used_jti_.size() >= 1024) {
    for (auto it = used_jti_.begin(); it != used_jti_.end();)
      it = it->second <= now ? used_jti_.erase(it) : std::next(it);
  }
  if (used_jti_.size() >= kMaxRememberedAssertions) return Unauthenticated("too many client assertions at once");
  if (!used_jti_.emplace(iss + " " + jti, exp).second) return Unauthenticated("the client assertion was used already");
  return client;
}

}  // namespace riik::auth
