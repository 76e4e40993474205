// Signing in at riik's sign-in service with a citizen's ID-card, as a browser with the
// Web eID extension does, for the benchmarks (signin_bench, portal_bench): from an
// /authorize request to the redirect back to the service with its code.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "core/status.h"
#include "net/client.h"

namespace riik::bench {

// A sign-in made ready up to the token: the browser's cookie at the sign-in service, the
// sign-in's id and form token, and the Web eID token over its challenge.
struct IdCardLogin {
  std::string cookie, request, csrf, token;
};

// `http` talks to the sign-in service at `auth_url`; `authorize_target` is the
// /authorize?… path a service sent the browser to; `key` and `cert` the citizen's
// authentication key (PIN1 already given) and certificate.
Result<IdCardLogin> PrepareIdCardLogin(net::HttpClient& http, const std::string& auth_url,
                                       const std::string& authorize_target, EVP_PKEY* key, X509* cert);

// Posts the token: the URL the browser goes back to (the service's redirect URI with
// `code` and `state`).
Result<std::string> PostIdCardToken(net::HttpClient& http, const IdCardLogin& login);

// The first Set-Cookie of a response as NAME=VALUE ("" when none).
std::string FirstCookie(const net::HttpResponse& r);

}  // namespace riik::bench
