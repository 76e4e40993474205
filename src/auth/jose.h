// JOSE as OpenID Connect uses it: compact JWS (RFC 7515) signed ES256, ES384 or RS256
// (RFC 7518 §3; "none" and the HMAC algorithms are refused), and public keys as JWK
// (RFC 7517) for a provider's JWKS and a client's private_key_jwt keys.
#pragma once

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::auth {

enum class JwsAlg { kES256, kES384, kRS256 };

std::string_view JwsAlgName(JwsAlg alg);
// ES256, ES384 or RS256; InvalidArgument for anything else ("none" and HS256 named).
Result<JwsAlg> ParseJwsAlg(std::string_view name);
const EVP_MD* JwsDigest(JwsAlg alg);
// An ID token's at_hash (OpenID Connect Core §3.1.3.6): base64url of the left half of the
// access token's hash under the token's own algorithm (SHA-256 for ES256 and RS256,
// SHA-384 for ES384).
std::string AtHash(JwsAlg alg, std::string_view access_token);
// Whether `key` can sign or verify `alg`: P-256 for ES256, P-384 for ES384, RSA of at
// least 2048 bits for RS256. InvalidArgument says what the key is instead.
Status CheckKeyFitsAlg(EVP_PKEY* key, JwsAlg alg);

// Tokens larger than this are refused before any parsing.
inline constexpr size_t kMaxJwsBytes = 16 * 1024;

// The compact serialisation header.payload.signature of `payload` signed by `key`, with
// {"alg", "kid", "typ"} in the header (no "typ" if empty).
Result<std::string> SignJws(const Json& payload, EVP_PKEY* key, JwsAlg alg, std::string_view kid,
                            std::string_view typ = "JWT");

// A compact JWS as received, before its signature is checked.
struct Jws {
  Json header;
  Json payload;  // always an object
  JwsAlg alg = JwsAlg::kES256;
  std::string kid;            // empty if the header has none
  std::string signing_input;  // the first two parts as received
  std::string signature;
};

// Splits and decodes a compact JWS: three base64url parts, a header object with a
// supported "alg" and no "crit", an object payload. InvalidArgument says what is wrong.
Result<Jws> ParseJws(std::string_view compact);
// Whether the signature is `key`'s; false for a key that does not fit the algorithm.
Result<bool> VerifyJws(const Jws& jws, EVP_PKEY* key);

// The public half of `key` as a JWK with "kid", "alg" and "use": "sig".
Result<Json> PublicJwk(EVP_PKEY* key, std::string_view kid, JwsAlg alg);
// The public key a JWK describes (EC P-256/P-384 or RSA). InvalidArgument names a
// missing or malformed member, an unknown key type or curve, a point off the curve.
Result<UniquePtr<EVP_PKEY>> KeyFromJwk(const Json& jwk);

}  // namespace riik::auth
