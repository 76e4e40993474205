// The global configuration: what every security server must agree on — the members and
// their subsystems, the security servers (address, TLS authentication certificate) and
// the subsystems each serves, the service catalogue, and where the trust services are.
// The central authority publishes it as a signed, versioned document with an expiry;
// security servers accept it only with a valid signature by a key in the trust anchor
// they were handed out of band, and stop using it when it expires.
// Format: docs/formats/global-conf.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "exchange/identifiers.h"

namespace riik::exchange {

inline constexpr size_t kMaxGlobalConfBytes = 8 << 20;

struct Member {
  MemberId id;
  std::string name;
  std::vector<std::string> subsystems;
};

struct SecurityServer {
  MemberId owner;
  std::string code;               // unique within the owner, e.g. "ss1"
  std::string address;            // the server-to-server (mutual TLS) endpoint, https://host:port
  std::string auth_cert_sha256;   // hex SHA-256 of the DER TLS authentication certificate
  std::vector<ClientId> clients;  // the subsystems whose traffic it carries

  std::string Id() const { return owner.ToString() + "/" + code; }
};

struct Service {
  ServiceId id;
  std::string description;
};

// A relying party of the sign-in service (role auth, docs/signin.md): a member's
// subsystem registered as an OpenID Connect client. Its client_id is the subsystem id.
struct SignInClient {
  ClientId id;
  std::string name;                        // shown to the person on the sign-in page
  std::vector<std::string> redirect_uris;  // matched exactly
  std::string auth_method;                 // "client_secret_basic" or "private_key_jwt"
  std::string secret_sha256;               // client_secret_basic: hex SHA-256 of the secret
  std::string jwks;                        // private_key_jwt: the client's public keys, JWKS JSON text
  std::string id_token_alg;                // "RS256" or "ES256"
  std::string backchannel_logout_uri;      // optional: where logout tokens are posted
  std::vector<std::string> post_logout_redirect_uris;

  // The registration's own rules: absolute https URIs (http only on loopback), a known
  // method with its credential, a known algorithm. InvalidArgument names the field.
  Status Check() const;
  // The registration as the configuration and the central admin API carry it:
  // {"client_id", "name", "redirect_uris", "token_endpoint_auth_method",
  //  "secret_sha256", "jwks" (JSON text), "id_token_signed_response_alg",
  //  "backchannel_logout_uri", "post_logout_redirect_uris"}.
  Json ToJson() const;
  // Reads and checks one; InvalidArgument names the field.
  static Result<SignInClient> FromJson(const Json& json);
};

struct GlobalConf {
  std::string instance;  // e.g. "EE"
  int64_t version = 0;   // grows with every change
  UnixMicros generated_at = 0;
  UnixMicros expires_at = 0;  // refused after this
  std::vector<Member> members;
  std::vector<SecurityServer> servers;
  std::vector<Service> services;
  std::vector<SignInClient> signin_clients;
  std::string ocsp_url;  // the trust services every server uses
  std::string tsa_url;

  const Member* FindMember(const MemberId& id) const;
  bool HasSubsystem(const ClientId& id) const;  // a registered member (and subsystem, if given)
  const Service* FindService(const ServiceId& id) const;
  const SignInClient* FindSignInClient(std::string_view client_id) const;
  // The security server that carries `client`'s traffic, if any.
  const SecurityServer* ServerFor(const ClientId& client) const;
  // The security server whose authentication certificate has this SHA-256 (hex).
  const SecurityServer* ServerByCert(std::string_view cert_sha256) const;

  Json ToJson() const;
  // Reads the document's "conf" part; InvalidArgument names the first bad field.
  static Result<GlobalConf> FromJson(const Json& json);
};

// The central authority's signing certificates, as handed to each security server out
// of band: {"instance": "EE", "certificates": ["-----BEGIN CERTIFICATE-----…"]}.
struct TrustAnchor {
  std::string instance;
  std::vector<std::string> certificates_pem;
  static Result<TrustAnchor> Parse(std::string_view text);
  std::string ToJson() const;
};

// The signed document: {"conf": {…}, "signature": base64 ECDSA-SHA256 over the
// canonical JSON of "conf", "signer": PEM certificate}.
Result<std::string> SignGlobalConf(const GlobalConf& conf, EVP_PKEY* key, X509* signer);

// Checks the document against the anchor and the time `now`: the size limit, the
// signer among the anchor's certificates, the signature, the instance, the expiry.
// Errors say which: PermissionDenied for a bad signature or unknown signer,
// FailedPrecondition "expired at …" for a stale one, InvalidArgument for a malformed one.
Result<GlobalConf> VerifyGlobalConf(std::string_view document, const TrustAnchor& anchor, UnixMicros now);

}  // namespace riik::exchange
