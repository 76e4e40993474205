// The ID-card through the Web eID protocol (web-eid.eu, token format "web-eid:1.0"):
// the browser extension signs hash(origin) ‖ hash(challenge nonce) with the card's
// authentication key (PIN1) and hands the page
//   {"unverifiedCertificate": base64 DER, "algorithm": "ES384", "signature": base64,
//    "format": "web-eid:1.0", "appVersion": "https://web-eid.eu/web-eid-app/releases/…"}
// The hash is the algorithm's own; the nonce is hashed as its base64 text; ECDSA
// signatures are r‖s. The challenge nonce itself (32 random bytes, single use, 5
// minutes, bound to the browser) is the provider's (provider.h).
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "auth/eid_check.h"
#include "core/status.h"

namespace riik::auth {

inline constexpr size_t kMaxWebEidTokenBytes = 8 * 1024;
inline constexpr size_t kWebEidNonceBytes = 32;

struct WebEidToken {
  std::string certificate_der;
  std::string algorithm;  // ES256/ES384/ES512, RS256/RS384/RS512, PS256/PS384/PS512
  std::string signature;  // decoded
  std::string format;     // "web-eid:1" or "web-eid:1.x"
  std::string app_version;
};

// Reads the token's JSON: exactly its five members, each a string within its limits,
// base64 that is canonical, a format of major version 1. InvalidArgument says what.
Result<WebEidToken> ParseWebEidToken(std::string_view json);

// The hash (the algorithm's) a Web eID signature algorithm names; InvalidArgument for
// an unknown name.
Result<const EVP_MD*> WebEidDigest(std::string_view algorithm);
// hash(origin) ‖ hash(nonce): what the card signs (hashing it once more, as any
// signature does).
Result<std::string> WebEidSignedValue(std::string_view algorithm, std::string_view origin, std::string_view nonce);

// Checks the token as the Web eID validators do, in order: the certificate parses, is
// valid now, has clientAuth and no disallowed policy, chains to the eID CA; OCSP says
// good; the signature verifies over `origin` (the site's, e.g. https://auth.riik.ee)
// and `nonce` (the challenge this browser was given). The person, or why not.
Checked<Person> VerifyWebEidToken(const WebEidToken& token, std::string_view origin, std::string_view nonce,
                                  const EidTrust& trust);

// A token as the Web eID extension would make it, from a riik eID's authentication key
// (unlocked with PIN1) and certificate: for `riik id webeid`, tests and scripts.
Result<std::string> MakeWebEidToken(EVP_PKEY* auth_key, X509* auth_cert, std::string_view origin,
                                    std::string_view nonce);

}  // namespace riik::auth
