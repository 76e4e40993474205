// The provider's view of its relying parties, and how they prove who they are at the
// token endpoint: client_secret_basic (HTTP Basic with the secret, whose SHA-256 the
// registration holds) or private_key_jwt (RFC 7523: a JWT signed by a key of the
// client's registered JWKS, for the token endpoint, used once). Registrations come from
// the central authority's signed configuration (the auth role converts them).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jose.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::auth {

struct Client {
  enum class Method { kSecretBasic, kPrivateKeyJwt };
  std::string id;    // the member's subsystem, e.g. EE/GOV/70000310/portal
  std::string name;  // shown on the sign-in page
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  Method method = Method::kSecretBasic;
  std::string secret_sha256;  // hex
  std::string jwks;           // JSON text
  JwsAlg id_token_alg = JwsAlg::kRS256;
  std::string backchannel_logout_uri;

  bool HasRedirect(std::string_view uri) const;
};

// The registration of `client_id`; NotFound for an unknown client.
using ClientLookup = std::function<Result<Client>(std::string_view client_id)>;

// What the token endpoint received that may identify the client.
struct ClientCredentials {
  std::string authorization;   // the Authorization header
  std::string client_id;       // the form's client_id, if any
  std::string assertion_type;  // client_assertion_type
  std::string assertion;       // client_assertion
};

inline constexpr std::string_view kJwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Authenticates the client as its registration says it must (a client registered for
// one method cannot use the other). `audiences`: what the assertion's aud may be (the
// token endpoint's URL, the issuer). Unauthenticated says why not, for invalid_client.
// Remembers assertion ids until they expire, so none is accepted twice.
class ClientAuthenticator {
 public:
  ClientAuthenticator(ClientLookup lookup, std::vector<std::string> audiences, Clock clock = SystemClock())
      : lookup_(std::move(lookup)), audiences_(std::move(audiences)), clock_(std::move(clock)) {}
  Result<Client> Authenticate(const ClientCredentials& credentials);

 private:
  Result<Client> ByAssertion(const ClientCredentials& c);
  ClientLookup lookup_;
  std::vector<std::string> audiences_;
  Clock clock_;
  std::mutex mu_;
  std::map<std::string, UnixMicros> used_jti_;  // "client jti" -> expiry
};

// "Basic base64(urlencode(id):urlencode(secret))" (RFC 6749 §2.3.1) taken apart;
// InvalidArgument if it is not one.
Result<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header);

}  // namespace riik::auth
