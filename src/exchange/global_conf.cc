// The global configuration: its JSON form, signing and verification.
#include "exchange/global_conf.h"

#include <openssl/err.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/x509.h"

namespace riik::exchange {
namespace {

constexpr const char* kFormat = "riik-global-conf/1";

// Field readers that say which field is wrong.
Result<std::string> Text(const Json& j, const char* key, std::string_view where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) {
    return InvalidArgument(std::string(where) + "." + key + " must be a string");
  }
  return j[key].get<std::string>();
}

Result<int64_t> Int(const Json& j, const char* key, std::string_view where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) {
    return InvalidArgument(std::string(where) + "." + key + " must be an integer");
  }
  return j[key].get<int64_t>();
}

Result<const Json*> Array(const Json& j, const char* key, std::string_view where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) {
    return InvalidArgument(std::string(where) + "." + key + " must be an array");
  }
  return &j[key];
}

Result<std::string> Sign(EVP_PKEY* key, std::string_view data) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Internal("signing the global configuration: " + OpenSslErrors());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Internal("signing the global configuration: " + OpenSslErrors());
  }
  sig.resize(len);
  return sig;
}

bool Verify(EVP_PKEY* key, std::string_view data, std::string_view sig) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

const Member* GlobalConf::FindMember(const MemberId& id) const {
  for (const auto& m : members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

bool GlobalConf::HasSubsystem(const ClientId& id) const {
  const Member* m = FindMember(id.member);
  if (!m) return false;
  if (id.subsystem.empty()) return true;
  for (const auto& s : m->subsystems) {
    if (s == id.subsystem) return true;
  }
  return false;
}

const Service* GlobalConf::FindService(const ServiceId& id) const {
  for (const auto& s : services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const SignInClient* GlobalConf::FindSignInClient(std::string_view client_id) const {
  for (const auto& c : signin_clients) {
    if (c.id.ToString() == client_id) return &c;
  }
  return nullptr;
}

namespace {

// An absolute URI a browser or a server is sent to: https, or http on loopback (a
// development machine), no fragment.
Status CheckRedirectUri(std::string_view field, const std::string& uri) {
  bool https = uri.starts_with("https://");
  bool loopback_http = uri.starts_with("http://127.0.0.1:") || uri.starts_with("http://127.0.0.1/") ||
                       uri.starts_with("http://localhost:") || uri.starts_with("http://localhost/") ||
                       uri.starts_with("http://[::1]");
  if (!https && !loopback_http) return InvalidArgument(std::string(field) + " '" + uri + "' is not an https URI");
  if (uri.size() > 2048) return InvalidArgument(std::string(field) + " is over 2048 bytes");
  if (uri.find('#') != std::string::npos) return InvalidArgument(std::string(field) + " '" + uri + "' has a fragment");
  for (unsigned char c : uri) {
    if (c <= 0x20 || c >= 0x7f) return InvalidArgument(std::string(field) + " holds a space or a non-ASCII byte");
  }
  return OkStatus();
}

}  // namespace

Status SignInClient::Check() const {
  if (name.empty() || name.size() > 255) return InvalidArgument("a sign-in client needs a name of 1 to 255 bytes");
  // No redirect URI: a client that signs no one in and uses only the signing API.
  for (const auto& uri : redirect_uris) RETURN_IF_ERROR(CheckRedirectUri("redirect_uri", uri));
  for (const auto& uri : post_logout_redirect_uris) RETURN_IF_ERROR(CheckRedirectUri("post_logout_redirect_uri", uri));
  if (!backchannel_logout_uri.empty())
    RETURN_IF_ERROR(CheckRedirectUri("backchannel_logout_uri", backchannel_logout_uri));
  if (auth_method == "client_secret_basic") {
    if (secret_sha256.size() != 64 || secret_sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgument("client_secret_basic needs secret_sha256, 64 lower-case hex digits");
    }
  } else if (auth_method == "private_key_jwt") {
    auto keys = ParseJson(jwks, JsonLimits{64 * 1024, 8});
    if (!keys.ok() || !keys->is_object() || !keys->contains("keys") || !(*keys)["keys"].is_array() ||
        (*keys)["keys"].empty()) {
      return InvalidArgument("private_key_jwt needs jwks, a JWK set with at least one key");
    }
  } else {
    return InvalidArgument("token_endpoint_auth_method '" + auth_method +
                           "' is not client_secret_basic or private_key_jwt");
  }
  if (id_token_alg != "RS256" && id_token_alg != "ES256") {
    return InvalidArgument("id_token_signed_response_alg '" + id_token_alg + "' is not RS256 or ES256");
  }
  return OkStatus();
}

Json SignInClient::ToJson() const {
  return {{"client_id", id.ToString()},
          {"name", name},
          {"redirect_uris", redirect_uris},
          {"token_endpoint_auth_method", auth_method},
          {"secret_sha256", secret_sha256},
          {"jwks", jwks},
          {"id_token_signed_response_alg", id_token_alg},
          {"backchannel_logout_uri", backchannel_logout_uri},
          {"post_logout_redirect_uris", post_logout_redirect_uris}};
}

Result<SignInClient> SignInClient::FromJson(const Json& e) {
  constexpr std::string_view where = "signin_clients[]";
  SignInClient sc;
  ASSIGN_OR_RETURN(std::string id, Text(e, "client_id", where));
  ASSIGN_OR_RETURN(sc.id, ParseClientId(id));
  ASSIGN_OR_RETURN(sc.name, Text(e, "name", where));
  ASSIGN_OR_RETURN(sc.auth_method, Text(e, "token_endpoint_auth_method", where));
  sc.secret_sha256 = StringOr(e, "secret_sha256");
  sc.jwks = StringOr(e, "jwks");
  ASSIGN_OR_RETURN(sc.id_token_alg, Text(e, "id_token_signed_response_alg", where));
  sc.backchannel_logout_uri = StringOr(e, "backchannel_logout_uri");
  for (const char* list : {"redirect_uris", "post_logout_redirect_uris"}) {
    if (!e.contains(list) && std::string_view(list) != "redirect_uris") continue;
    ASSIGN_OR_RETURN(const Json* uris, Array(e, list, where));
    for (const auto& u : *uris) {
      if (!u.is_string()) return InvalidArgument(std::string(where) + "." + list + " holds a non-string");
      (std::string_view(list) == "redirect_uris" ? sc.redirect_uris : sc.post_logout_redirect_uris)
          .push_back(u.get<std::string>());
    }
  }
  RETURN_IF_ERROR(sc.Check().WithContext("sign-in client " + id));
  return sc;
}

const SecurityServer* GlobalConf::ServerFor(const ClientId& client) const {
  for (const auto& s : servers) {
    for (const auto& c : s.clients) {
      if (c == client) return &s;
    }
  }
  return nullptr;
}

const SecurityServer* GlobalConf::ServerByCert(std::string_view cert_sha256) const {
  for (const auto& s : servers) {
    if (s.auth_cert_sha256 == cert_sha256) return &s;
  }
  return nullptr;
}

Json GlobalConf::ToJson() const {
  Json j = {
      {"format", kFormat},           {"instance", instance}, {"version", version}, {"generated_at_us", generated_at},
      {"expires_at_us", expires_at}, {"ocsp_url", ocsp_url}, {"tsa_url", tsa_url}};
  j["members"] = Json::array();
  for (const auto& m : members) {
    j["members"].push_back({{"id", m.id.ToString()}, {"name", m.name}, {"subsystems", m.subsystems}});
  }
  j["security_servers"] = Json::array();
  for (const auto& s : servers) {
    Json clients = Json::array();
    for (const auto& c : s.clients) clients.push_back(c.ToString());
    j["security_servers"].push_back({{"owner", s.owner.ToString()},
                                     {"code", s.code},
                                     {"address", s.address},
                                     {"auth_cert_sha256", s.auth_cert_sha256},
                                     {"clients", clients}});
  }
  j["services"] = Json::array();
  for (const auto& s : services) j["services"].push_back({{"id", s.id.ToString()}, {"description", s.description}});
  if (!signin_clients.empty()) {
    j["signin_clients"] = Json::array();
    for (const auto& c : signin_clients) j["signin_clients"].push_back(c.ToJson());
  }
  return j;
}

Result<GlobalConf> GlobalConf::FromJson(const Json& j) {
  GlobalConf c;
  ASSIGN_OR_RETURN(std::string format, Text(j, "format", "conf"));
  if (format != kFormat) return InvalidArgument("conf.format is '" + format + "', this reads " + kFormat);
  ASSIGN_OR_RETURN(c.instance, Text(j, "instance", "conf"));
  RETURN_IF_ERROR(CheckIdentifierPart("conf.instance", c.instance));
  ASSIGN_OR_RETURN(c.version, Int(j, "version", "conf"));
  ASSIGN_OR_RETURN(c.generated_at, Int(j, "generated_at_us", "conf"));
  ASSIGN_OR_RETURN(c.expires_at, Int(j, "expires_at_us", "conf"));
  ASSIGN_OR_RETURN(c.ocsp_url, Text(j, "ocsp_url", "conf"));
  ASSIGN_OR_RETURN(c.tsa_url, Text(j, "tsa_url", "conf"));
  ASSIGN_OR_RETURN(const Json* members, Array(j, "members", "conf"));
  for (const auto& m : *members) {
    Member member;
    ASSIGN_OR_RETURN(std::string id, Text(m, "id", "conf.members[]"));
    ASSIGN_OR_RETURN(member.id, ParseMemberId(id));
    ASSIGN_OR_RETURN(member.name, Text(m, "name", "conf.members[]"));
    ASSIGN_OR_RETURN(const Json* subs, Array(m, "subsystems", "conf.members[]"));
    for (const auto& s : *subs) {
      if (!s.is_string()) return InvalidArgument("conf.members[].subsystems holds a non-string");
      RETURN_IF_ERROR(CheckIdentifierPart("a subsystem code", s.get<std::string>()));
      member.subsystems.push_back(s.get<std::string>());
    }
    c.members.push_back(std::move(member));
  }
  ASSIGN_OR_RETURN(const Json* servers, Array(j, "security_servers", "conf"));
  for (const auto& s : *servers) {
    SecurityServer server;
    ASSIGN_OR_RETURN(std::string owner, Text(s, "owner", "conf.security_servers[]"));
    ASSIGN_OR_RETURN(server.owner, ParseMemberId(owner));
    ASSIGN_OR_RETURN(server.code, Text(s, "code", "conf.security_servers[]"));
    RETURN_IF_ERROR(CheckIdentifierPart("a security server code", server.code));
    ASSIGN_OR_RETURN(server.address, Text(s, "address", "conf.security_servers[]"));
    ASSIGN_OR_RETURN(server.auth_cert_sha256, Text(s, "auth_cert_sha256", "conf.security_servers[]"));
    ASSIGN_OR_RETURN(const Json* clients, Array(s, "clients", "conf.security_servers[]"));
    for (const auto& cl : *clients) {
      if (!cl.is_string()) return InvalidArgument("conf.security_servers[].clients holds a non-string");
      ASSIGN_OR_RETURN(ClientId id, ParseClientId(cl.get<std::string>()));
      server.clients.push_back(std::move(id));
    }
    c.servers.push_back(std::move(server));
  }
  ASSIGN_OR_RETURN(const Json* services, Array(j, "services", "conf"));
  for (const auto& s : *services) {
    Service service;
    ASSIGN_OR_RETURN(std::string id, Text(s, "id", "conf.services[]"));
    ASSIGN_OR_RETURN(auto path, ParseServicePath("/r1/" + id));
    if (!path.rest.empty()) return InvalidArgument("conf.services[].id '" + id + "' is not a service id");
    service.id = path.service;
    ASSIGN_OR_RETURN(service.description, Text(s, "description", "conf.services[]"));
    c.services.push_back(std::move(service));
  }
  // Absent in documents from before sign-in existed.
  if (j.contains("signin_clients")) {
    ASSIGN_OR_RETURN(const Json* clients, Array(j, "signin_clients", "conf"));
    for (const auto& e : *clients) {
      ASSIGN_OR_RETURN(SignInClient sc, SignInClient::FromJson(e));
      c.signin_clients.push_back(std::move(sc));
    }
  }
  return c;
}

Result<TrustAnchor> TrustAnchor::Parse(std::string_view text) {
  ASSIGN_OR_RETURN(Json j, ParseJson(text, JsonLimits{1 << 20, 8}));
  TrustAnchor a;
  ASSIGN_OR_RETURN(a.instance, Text(j, "instance", "anchor"));
  ASSIGN_OR_RETURN(const Json* certs, Array(j, "certificates", "anchor"));
  for (const auto& pem : *certs) {
    if (!pem.is_string()) return InvalidArgument("anchor.certificates holds a non-string");
    RETURN_IF_ERROR(ParseCertificatePem(pem.get<std::string>()).status());
    a.certificates_pem.push_back(pem.get<std::string>());
  }
  if (a.certificates_pem.empty()) return InvalidArgument("the trust anchor names no certificate");
  return a;
}

std::string TrustAnchor::ToJson() const {
  return Json{{"instance", instance}, {"certificates", certificates_pem}}.dump(2) + "\n";
}

Result<std::string> SignGlobalConf(const GlobalConf& conf, EVP_PKEY* key, X509* signer) {
  ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(conf.ToJson()));
  ASSIGN_OR_RETURN(std::string sig, Sign(key, canonical));
  Json doc = {{"conf", conf.ToJson()}, {"signature", Base64Encode(sig)}, {"signer", CertificatePem(signer)}};
  return doc.dump(1) + "\n";
}

Result<GlobalConf> VerifyGlobalConf(std::string_view document, const TrustAnchor& anchor, UnixMicros now) {
  if (document.size() > kMaxGlobalConfBytes) return InvalidArgument("the global configuration is over 8 MiB");
  ASSIGN_OR_RETURN(Json doc, ParseJson(document, JsonLimits{kMaxGlobalConfBytes, 16}));
  ASSIGN_OR_RETURN(std::string signer_pem, Text(doc, "signer", "document"));
  ASSIGN_OR_RETURN(std::string sig_b64, Text(doc, "signature", "document"));
  if (!doc.contains("conf") || !doc["conf"].is_object()) return InvalidArgument("the document has no conf object");
  // The signer must be one of the anchor's certificates: compare the DER.
  ASSIGN_OR_RETURN(UniquePtr<X509> signer, ParseCertificatePem(signer_pem));
  std::string signer_der = CertificateDer(signer.get());
  bool anchored = false;
  for (const auto& pem : anchor.certificates_pem) {
    auto cert = ParseCertificatePem(pem);
    if (cert.ok() && CertificateDer(cert->get()) == signer_der) anchored = true;
  }
  if (!anchored)
    return PermissionDenied("the global configuration is signed by a certificate the trust anchor does not hold");
  ASSIGN_OR_RETURN(Bytes sig, Base64Decode(sig_b64));
  ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(doc["conf"]));
  if (!Verify(X509_get0_pubkey(signer.get()), canonical, std::string_view(sig.data(), sig.size()))) {
    return PermissionDenied("the global configuration's signature does not verify");
  }
  ASSIGN_OR_RETURN(GlobalConf conf, GlobalConf::FromJson(doc["conf"]));
  if (conf.instance != anchor.instance) {
    return PermissionDenied("the global configuration is for instance " + conf.instance + ", the anchor for " +
                            anchor.instance);
  }
  if (now >= conf.expires_at) {
    return FailedPrecondition("the global configuration version " + std::to_string(conf.version) + " expired at " +
                              FormatRfc3339(conf.expires_at));
  }
  return conf;
}

}  // namespace riik::exchange
