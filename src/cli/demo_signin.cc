// riik up's sign-in service and demo services (demo_signin.h).
#include "cli/demo_signin.h"

#include <filesystem>

#include "core/file.h"
#include "crypto/sha256.h"
#include "exchange/central_registry.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "store/store.h"

namespace riik::cli {
namespace {

// The web services people sign in to: the two demo services and the citizen portal.
struct DemoService {
  const char* kind;
  const char* role;
  const char* subsystem;
  const char* title;
};
constexpr DemoService kDemoServices[] = {{"rp", "rp-a", kDemoServiceA, "Demo service A"},
                                         {"rp", "rp-b", kDemoServiceB, "Demo service B"},
                                         {"portal", "portal", kPortalSubsystem, "riik state portal"}};

Status RegisterClient(exchange::CentralRegistry& central, const DemoService& service, const std::string& url,
                      const std::string& secret) {
  ASSIGN_OR_RETURN(exchange::ClientId id, exchange::ParseClientId(service.subsystem));
  Status added = central.AddSubsystem(id);
  if (!added.ok() && added.code() != Code::kAlreadyExists) return added;
  exchange::SignInClient c;
  c.id = id;
  c.name = service.title;
  c.redirect_uris = {url + "/callback"};
  c.post_logout_redirect_uris = {url + "/"};
  c.backchannel_logout_uri = url + "/backchannel-logout";
  c.auth_method = "client_secret_basic";
  c.secret_sha256 = DigestHex(Sha256(secret));
  c.id_token_alg = "RS256";
  // Ports may differ from the last start (--port-base 0): the registration follows.
  return central.PutSignInClient(c);
}

}  // namespace

Result<std::vector<node::RoleConfig>> PrepareDemoSignIn(CaAccess& ca, const std::string& dir,
                                                        const DemoExchangePorts& ports) {
  auto url = [](int port) { return "https://127.0.0.1:" + std::to_string(port); };
  std::vector<node::RoleConfig> roles;
  std::string auth_dir = dir + "/auth";
  RETURN_IF_ERROR(
      EnsureCertificate(ca, dir, auth_dir + "/tls", trust::Profile::kTlsServer, "riik sign-in", "").status());
  node::RoleConfig auth{"auth", "auth", {}, {}};
  auth.listen.port = static_cast<uint16_t>(ports.auth);
  auth.listen.tls = net::TlsServerConfig{auth_dir + "/tls.pem", auth_dir + "/tls.key", ""};
  // It reads board seats from the business register through its member's security server.
  const std::string exchange_url = "https://127.0.0.1:" + std::to_string(ports.sign.consumer);
  auto calls_through_exchange = [&](node::RoleConfig& role, const char* subsystem) {
    std::string base = ExchangeClientCertificate(dir, role.name);
    role.settings["exchange_url"] = exchange_url;
    role.settings["subsystem"] = subsystem;
    role.settings["client_cert"] = base + ".pem";
    role.settings["client_key"] = base + ".key";
  };
  auth.settings = {{"trust_root", dir + "/trust/root.pem"}, {"eid_ca", dir + "/trust/eid.pem"}};
  calls_through_exchange(auth, kSignInSubsystem);
  roles.push_back(std::move(auth));

  ASSIGN_OR_RETURN(auto store,
                   store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto central, exchange::CentralRegistry::Open(*store, "EE"));
  // The validation service asks people to sign in their app: a client of the signing
  // API alone (no redirect URI: it signs no one in).
  {
    ASSIGN_OR_RETURN(std::string secret, node::LoadOrCreateToken(SigningClientSecretFile(dir)));
    ASSIGN_OR_RETURN(exchange::ClientId id, exchange::ParseClientId(kSignSubsystem));
    exchange::SignInClient c;
    c.id = id;
    c.name = "Signatures service";
    c.auth_method = "client_secret_basic";
    c.secret_sha256 = DigestHex(Sha256(secret));
    c.id_token_alg = "ES256";
    RETURN_IF_ERROR(central->PutSignInClient(c));
  }
  int rp_ports[] = {ports.rp_a, ports.rp_b, ports.portal};
  for (size_t i = 0; i < std::size(kDemoServices); ++i) {
    const DemoService& s = kDemoServices[i];
    std::string rp_dir = dir + "/" + node::RoleStoreName(s.role);
    RETURN_IF_ERROR(EnsureCertificate(ca, dir, rp_dir + "/tls", trust::Profile::kTlsServer, s.title, "").status());
    ASSIGN_OR_RETURN(std::string secret, node::LoadOrCreateToken(rp_dir + "/client.secret"));
    RETURN_IF_ERROR(RegisterClient(*central, s, url(rp_ports[i]), secret));
    node::RoleConfig rp{s.kind, s.role, {}, {}};
    rp.listen.port = static_cast<uint16_t>(rp_ports[i]);
    rp.listen.tls = net::TlsServerConfig{rp_dir + "/tls.pem", rp_dir + "/tls.key", ""};
    rp.settings = {{"client_id", s.subsystem},
                   {"secret_file", rp_dir + "/client.secret"},
                   {"trust_root", dir + "/trust/root.pem"}};
    if (std::string_view(s.kind) == "rp") rp.settings["title"] = s.title;
    // The verification app's address on the Vote page: the vote service's public routes.
    if (std::string_view(s.kind) == "portal") rp.settings["vote_check_url"] = url(ports.vote);
    calls_through_exchange(rp, s.subsystem);
    roles.push_back(std::move(rp));
  }
  return roles;
}

}  // namespace riik::cli
