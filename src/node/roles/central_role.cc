// The central authority's handlers.
#include "node/roles/central_role.h"

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/central_registry.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "node/role_keys.h"

namespace riik::node {
namespace {

using exchange::CentralRegistry;

class CentralService : public RoleService {
 public:
  std::shared_ptr<AdminApi> admin = std::make_shared<AdminApi>();
  std::unique_ptr<CentralRegistry> registry;
  UniquePtr<X509> cert;
  UniquePtr<EVP_PKEY> key;
  int64_t validity_s = 600;
  std::string ocsp_url, tsa_url;

  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  std::vector<std::string> stores() const override { return {"central"}; }

  // The signed configuration, re-signed when the registry changed or half its
  // validity has passed.
  Result<std::string> Document() {
    std::lock_guard lock(mu_);
    UnixMicros now = NowMicros();
    int64_t head = registry_head();
    if (doc_.empty() || head != version_ || now >= signed_at_ + validity_s * 500'000) {
      ASSIGN_OR_RETURN(exchange::GlobalConf conf, registry->Build(now, validity_s, ocsp_url, tsa_url));
      ASSIGN_OR_RETURN(doc_, exchange::SignGlobalConf(conf, key.get(), cert.get()));
      version_ = conf.version;
      signed_at_ = now;
    }
    return doc_;
  }
  std::function<int64_t()> registry_head;

 private:
  std::mutex mu_;
  std::string doc_;
  int64_t version_ = -1;
  UnixMicros signed_at_ = 0;
};

Status CentralService::Start(Node& node, const RoleConfig& role, const std::string&) {
  std::string dir = role.Setting("dir", (std::filesystem::path(node.config().data_dir) / "central").string());
  RETURN_IF_ERROR(MakePrivateDirectory(dir));
  std::string cert_path = role.Setting("signing_cert"), key_path = role.Setting("signing_key");
  if (cert_path.empty() || key_path.empty()) {
    return InvalidArgument(
        "the central role needs signing_cert and signing_key (its certificate from the "
        "organisations CA: riik ca issue --profile signing)");
  }
  ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
  ASSIGN_OR_RETURN(cert, ParseCertificatePem(cert_pem));
  ASSIGN_OR_RETURN(key, ReadKey(key_path, role.Setting("key_passphrase_file")));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return InvalidArgument(key_path + " is not the key of " + cert_path);
  }
  ASSIGN_OR_RETURN(validity_s, role.Number("conf_validity_s", 600, 10, 7 * 86400));
  ocsp_url = role.Setting("ocsp_url");
  tsa_url = role.Setting("tsa_url");
  // Not given: a trust role of this process, if it runs one.
  for (const auto& r : node.roles()) {
    if (r.kind != "trust") continue;
    if (ocsp_url.empty()) ocsp_url = r.url + "/ocsp";
    if (tsa_url.empty()) tsa_url = r.url + "/tsa";
  }
  // Security servers check each other's certificates there and trust no peer without it.
  if (ocsp_url.empty()) {
    return InvalidArgument(
        "the central role needs ocsp_url (the OCSP responder every security server asks "
        "about its peers' certificates), or a trust role in the same node");
  }
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore("central"));
  ASSIGN_OR_RETURN(registry, CentralRegistry::Open(*store, role.Setting("instance", "EE")));
  registry_head = [store] { return store->Head().seq; };
  ASSIGN_OR_RETURN(admin->token, LoadOrCreateToken(AdminTokenPath(dir)));
  admin->ready = true;
  return OkStatus();
}

std::string Text(const Json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

net::HttpResponse Done(const Status& st, const std::string& what) {
  if (!st.ok()) return net::ErrorResponse(st);
  return net::JsonResponse(Json{{"ok", true}, {"changed", what}});
}

net::HttpResponse AddMember(CentralService& c, const Json& body) {
  auto id = exchange::ParseMemberId(Text(body, "id"));
  if (!id.ok()) return net::ErrorResponse(id.status());
  return Done(c.registry->AddMember(*id, Text(body, "name")), id->ToString());
}

net::HttpResponse AddSubsystem(CentralService& c, const Json& body) {
  auto id = exchange::ParseClientId(Text(body, "id"));
  if (!id.ok()) return net::ErrorResponse(id.status());
  return Done(c.registry->AddSubsystem(*id), id->ToString());
}

net::HttpResponse PutServer(CentralService& c, const Json& body) {
  exchange::SecurityServer s;
  auto owner = exchange::ParseMemberId(Text(body, "owner"));
  if (!owner.ok()) return net::ErrorResponse(owner.status());
  s.owner = *owner;
  s.code = Text(body, "code");
  s.address = Text(body, "address");
  s.auth_cert_sha256 = Text(body, "auth_cert_sha256");
  if (body.contains("clients") && body["clients"].is_array()) {
    for (const auto& v : body["clients"]) {
      auto id = exchange::ParseClientId(v.is_string() ? v.get<std::string>() : "");
      if (!id.ok()) return net::ErrorResponse(id.status());
      s.clients.push_back(*id);
    }
  }
  return Done(c.registry->PutServer(s), s.Id());
}

// A member's subsystem as a sign-in client of the auth role (docs/signin.md).
net::HttpResponse PutSignInClient(CentralService& c, const Json& body) {
  auto client = exchange::SignInClient::FromJson(body);
  if (!client.ok()) return net::ErrorResponse(client.status());
  return Done(c.registry->PutSignInClient(*client), client->id.ToString());
}

net::HttpResponse AddService(CentralService& c, const Json& body) {
  auto path = exchange::ParseServicePath("/r1/" + Text(body, "id"));
  if (!path.ok() || !path->rest.empty()) {
    return net::JsonError(400, "invalid_argument", "id must be a service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE");
  }
  return Done(c.registry->AddService(path->service, Text(body, "description")), path->service.ToString());
}

}  // namespace

std::shared_ptr<RoleService> AddCentralRoutes(Node& node, net::Router& router) {
  auto c = std::make_shared<CentralService>();
  router.AddAsync("GET", "/globalconf", [&node, c](net::HttpRequest&&, net::Responder respond) {
    if (!c->admin->ready) return respond(net::JsonError(503, "unavailable", "the central authority is still starting"));
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    node.blocking().Submit([c, shared] {
      auto doc = c->Document();
      (*shared)(doc.ok() ? net::TextResponse(*doc, "application/json") : net::ErrorResponse(doc.status()));
    });
  });
  router.Add("GET", "/anchor", [c](const net::HttpRequest&) {
    if (!c->admin->ready) return net::JsonError(503, "unavailable", "the central authority is still starting");
    exchange::TrustAnchor anchor{c->registry->instance(), {CertificatePem(c->cert.get())}};
    return net::TextResponse(anchor.ToJson(), "application/json");
  });
  std::pair<const char*, net::HttpResponse (*)(CentralService&, const Json&)> admin[] = {
      {"/admin/member", AddMember},
      {"/admin/subsystem", AddSubsystem},
      {"/admin/server", PutServer},
      {"/admin/service", AddService},
      {"/admin/signin-client", PutSignInClient}};
  for (auto [path, action] : admin) {
    AddAdminRoute(node, router, c->admin, path, [c, act = action](const Json& body) { return act(*c, body); });
  }
  return c;
}

}  // namespace riik::node
