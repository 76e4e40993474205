// `riik central member|subsystem|server|service add` and `riik central show`: the
// X-Road central authority's registry from the command line — directly on its store,
// or through the running central role's admin API while it owns the store.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "exchange/central_registry.h"
#include "net/client.h"
#include "node/admin_api.h"
#include "node/node.h"

namespace riik::cli {
namespace {

struct CentralSelect {
  std::string dir = "riik-data";
  std::string instance = "EE";
};

// One registry change: on the store when no process owns it, else through the role.
Status Change(const CentralSelect& s, const std::string& admin_path, const Json& body,
              const std::function<Status(exchange::CentralRegistry&)>& direct) {
  std::error_code ec;
  std::filesystem::create_directories(s.dir + "/central", ec);  // a registry not served yet
  store::StoreOptions so{node::DefaultStoreUrl(s.dir, "central"), "central"};
  so.owner_wait = std::chrono::milliseconds(300);
  auto opened = store::Store::Open(so);
  if (opened.ok()) {
    ASSIGN_OR_RETURN(auto registry, exchange::CentralRegistry::Open(**opened, s.instance));
    return direct(*registry);
  }
  if (opened.status().code() != Code::kFailedPrecondition) return opened.status();
  AdminClient admin(RoleUrl(s.dir, "central"), node::AdminTokenPath(s.dir + "/central"));
  if (!admin.configured()) {
    return FailedPrecondition("the central store is in use, and " + s.dir +
                              "/endpoints.json names no running central role to ask");
  }
  return admin.Call(admin_path, body).status();
}

void AddDirOptions(CLI::App* cmd, CentralSelect& s) {
  cmd->add_option("--dir", s.dir, "Data directory; the registry is the store DIR/central")->capture_default_str();
  cmd->add_option("--instance", s.instance, "The X-Road instance (when editing the store directly)")
      ->capture_default_str();
}

void AddMemberCommand(CLI::App* central, int& exit_code) {
  auto s = std::make_shared<CentralSelect>();
  auto id = std::make_shared<std::string>(), name = std::make_shared<std::string>();
  CLI::App* cmd =
      central->add_subcommand("member", "Register a member: riik central member --id EE/GOV/70000013 --name …");
  AddDirOptions(cmd, *s);
  cmd->add_option("--id", *id, "INSTANCE/CLASS/CODE, e.g. EE/GOV/70000013")->required();
  cmd->add_option("--name", *name, "The member's name")->required();
  cmd->callback([=, &exit_code] {
    auto member = exchange::ParseMemberId(*id);
    Status st = member.ok() ? Change(*s, "/admin/member", {{"id", *id}, {"name", *name}},
                                     [&](exchange::CentralRegistry& r) { return r.AddMember(*member, *name); })
                            : member.status();
    if (!st.ok())
      exit_code = Fail("central", "member", st);
    else
      std::printf("registered member %s\n", id->c_str());
  });
}

void AddSubsystemCommand(CLI::App* central, int& exit_code) {
  auto s = std::make_shared<CentralSelect>();
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = central->add_subcommand("subsystem", "Register a subsystem of a member");
  AddDirOptions(cmd, *s);
  cmd->add_option("--id", *id, "INSTANCE/CLASS/CODE/SUBSYSTEM, e.g. EE/GOV/70000013/population")->required();
  cmd->callback([=, &exit_code] {
    auto sub = exchange::ParseClientId(*id);
    Status st = sub.ok() ? Change(*s, "/admin/subsystem", {{"id", *id}},
                                  [&](exchange::CentralRegistry& r) { return r.AddSubsystem(*sub); })
                         : sub.status();
    if (!st.ok())
      exit_code = Fail("central", "subsystem", st);
    else
      std::printf("registered subsystem %s\n", id->c_str());
  });
}

void AddServerCommand(CLI::App* central, int& exit_code) {
  auto s = std::make_shared<CentralSelect>();
  auto owner = std::make_shared<std::string>(), code = std::make_shared<std::string>();
  auto address = std::make_shared<std::string>(), cert = std::make_shared<std::string>();
  auto clients = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = central->add_subcommand("server", "Register (or update) a security server");
  AddDirOptions(cmd, *s);
  cmd->add_option("--owner", *owner, "The owning member, INSTANCE/CLASS/CODE")->required();
  cmd->add_option("--code", *code, "The server's code, unique for its owner, e.g. ss1")->required();
  cmd->add_option("--address", *address, "Its server-to-server URL, https://host:port")->required();
  cmd->add_option("--auth-cert", *cert, "Its TLS authentication certificate (PEM, profile tls-client)")->required();
  cmd->add_option("--client", *clients, "A subsystem whose traffic it carries (repeatable)");
  cmd->callback([=, &exit_code] {
    exchange::SecurityServer server;
    auto o = exchange::ParseMemberId(*owner);
    auto pem = ReadFile(*cert);
    auto x509 = pem.ok() ? ParseCertificatePem(*pem) : Result<UniquePtr<X509>>(pem.status());
    Status st = !o.ok() ? o.status() : x509.status();
    if (st.ok()) {
      server.owner = *o;
      server.code = *code;
      server.address = *address;
      server.auth_cert_sha256 = CertificateSha256Hex(x509->get());
      for (const auto& c : *clients) {
        auto id = exchange::ParseClientId(c);
        if (!id.ok()) {
          st = id.status();
          break;
        }
        server.clients.push_back(*id);
      }
    }
    if (st.ok()) {
      Json body = {{"owner", *owner},
                   {"code", *code},
                   {"address", *address},
                   {"auth_cert_sha256", server.auth_cert_sha256},
                   {"clients", *clients}};
      st = Change(*s, "/admin/server", body, [&](exchange::CentralRegistry& r) { return r.PutServer(server); });
    }
    if (!st.ok())
      exit_code = Fail("central", "server", st);
    else
      std::printf("registered security server %s at %s\n", server.Id().c_str(), address->c_str());
  });
}

void AddServiceCommand(CLI::App* central, int& exit_code) {
  auto s = std::make_shared<CentralSelect>();
  auto id = std::make_shared<std::string>(), description = std::make_shared<std::string>();
  CLI::App* cmd = central->add_subcommand("service", "Add a service to the catalogue");
  AddDirOptions(cmd, *s);
  cmd->add_option("--id", *id, "INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE")->required();
  cmd->add_option("--description", *description, "What it gives");
  cmd->callback([=, &exit_code] {
    auto path = exchange::ParseServicePath("/r1/" + *id);
    Status st = !path.ok() ? path.status()
                : !path->rest.empty()
                    ? InvalidArgument("--id must be INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE")
                    : Change(*s, "/admin/service", {{"id", *id}, {"description", *description}},
                             [&](exchange::CentralRegistry& r) { return r.AddService(path->service, *description); });
    if (!st.ok())
      exit_code = Fail("central", "service", st);
    else
      std::printf("added service %s\n", id->c_str());
  });
}

void AddSignInClientCommand(CLI::App* central, int& exit_code) {
  auto s = std::make_shared<CentralSelect>();
  auto c = std::make_shared<exchange::SignInClient>();
  auto id = std::make_shared<std::string>(), secret_file = std::make_shared<std::string>(),
       jwks_file = std::make_shared<std::string>();
  c->id_token_alg = "RS256";
  CLI::App* cmd = central->add_subcommand(
      "signin-client", "Register (or update) a subsystem as a sign-in client of the auth role (OpenID Connect)");
  AddDirOptions(cmd, *s);
  cmd->add_option("--client-id", *id, "The subsystem, INSTANCE/CLASS/CODE/SUBSYSTEM: its client_id")->required();
  cmd->add_option("--name", c->name, "The service's name, shown to the person signing in")->required();
  cmd->add_option("--redirect-uri", c->redirect_uris,
                  "Where codes may be sent (exact match; repeat for several); none: a client of the signing API only");
  cmd->add_option("--post-logout-uri", c->post_logout_redirect_uris, "Where the browser may go after signing out");
  cmd->add_option("--backchannel-logout-uri", c->backchannel_logout_uri,
                  "Where logout tokens are posted when the person signs out anywhere");
  cmd->add_option("--alg", c->id_token_alg, "The ID token's signature")
      ->check(CLI::IsMember({"RS256", "ES256"}))
      ->capture_default_str();
  auto* secret_option = cmd->add_option("--secret-file", *secret_file,
                                        "client_secret_basic: the secret's file (drawn and written 0600 if absent)");
  auto* jwks = cmd->add_option("--jwks", *jwks_file, "private_key_jwt: the client's public keys, a JWKS file");
  secret_option->excludes(jwks);
  cmd->footer(
      "The client proves itself at the token endpoint with a secret (only its SHA-256 goes to\n"
      "the central authority) or with a JWT signed by a key of its JWKS. Example:\n"
      "  riik central signin-client --client-id EE/GOV/70000310/portal --name 'eesti.ee' \\\n"
      "      --redirect-uri https://portal.example/callback --secret-file portal.secret");
  cmd->callback([=, &exit_code] {
    auto run = [&]() -> Status {
      ASSIGN_OR_RETURN(c->id, exchange::ParseClientId(*id));
      if (!secret_file->empty()) {
        c->auth_method = "client_secret_basic";
        ASSIGN_OR_RETURN(std::string secret, node::LoadOrCreateToken(*secret_file));
        c->secret_sha256 = DigestHex(Sha256(secret));
      } else if (!jwks_file->empty()) {
        c->auth_method = "private_key_jwt";
        ASSIGN_OR_RETURN(c->jwks, ReadFile(*jwks_file));
      } else {
        return InvalidArgument("give --secret-file (client_secret_basic) or --jwks (private_key_jwt)");
      }
      RETURN_IF_ERROR(c->Check());
      return Change(*s, "/admin/signin-client", c->ToJson(),
                    [&](exchange::CentralRegistry& r) { return r.PutSignInClient(*c); });
    };
    if (Status st = run(); !st.ok()) {
      exit_code = Fail("central", "signin-client", st);
    } else {
      std::printf("registered sign-in client %s (%s)\n", id->c_str(), c->auth_method.c_str());
    }
  });
}

void AddShowCommand(CLI::App* central, int& exit_code) {
  auto dir = std::make_shared<std::string>("riik-data");
  auto anchor_path = std::make_shared<std::string>();
  CLI::App* cmd = central->add_subcommand(
      "show", "Download the running central authority's global configuration, verify it, print it");
  cmd->add_option("--dir", *dir, "Data directory (its endpoints.json names the central role)")->capture_default_str();
  cmd->add_option("--anchor", *anchor_path, "The trust anchor to verify with (default DIR/central/anchor.json)");
  cmd->callback([=, &exit_code] {
    std::string url = RoleUrl(*dir, "central");
    std::string anchor_file = anchor_path->empty() ? *dir + "/central/anchor.json" : *anchor_path;
    auto anchor_text = ReadFile(anchor_file);
    auto anchor = anchor_text.ok() ? exchange::TrustAnchor::Parse(*anchor_text)
                                   : Result<exchange::TrustAnchor>(anchor_text.status());
    auto resp = url.empty() ? Result<net::HttpResponse>(NotFound(*dir + "/endpoints.json names no central role"))
                            : net::Fetch("GET", url + "/globalconf");
    auto conf = !anchor.ok() ? Result<exchange::GlobalConf>(anchor.status())
                : !resp.ok() ? Result<exchange::GlobalConf>(resp.status())
                             : exchange::VerifyGlobalConf(resp->body, *anchor, NowMicros());
    if (!conf.ok()) {
      exit_code = Fail("central", "show", conf.status());
      return;
    }
    std::printf("global configuration %s version %lld, verified with %s, expires %s\n", conf->instance.c_str(),
                static_cast<long long>(conf->version), anchor_file.c_str(), FormatRfc3339(conf->expires_at).c_str());
    std::printf("%s\n", conf->ToJson().dump(2).c_str());
  });
}

}  // namespace

void AddCentralCommand(CLI::App& app, int& exit_code) {
  CLI::App* central =
      app.add_subcommand("central", "The X-Road central authority: members, security servers, services");
  central->require_subcommand(1);
  central->footer(
      "Every change is a journaled transaction of the store DIR/central. While the central\n"
      "role runs, the commands go through its admin API. Security servers trust the signed\n"
      "global configuration through DIR/central/anchor.json, handed over out of band.\n"
      "Format: docs/formats/global-conf.md. Example:\n"
      "  riik central member --id EE/GOV/70000013 --name 'Population Register'\n"
      "  riik central subsystem --id EE/GOV/70000013/population\n"
      "  riik central service --id EE/GOV/70000013/population/person --description 'a person'\n"
      "  riik central server --owner EE/GOV/70000013 --code ss1 --address https://127.0.0.1:7101 \\\n"
      "      --auth-cert ss1.pem --client EE/GOV/70000013/population");
  AddMemberCommand(central, exit_code);
  AddSubsystemCommand(central, exit_code);
  AddServerCommand(central, exit_code);
  AddServiceCommand(central, exit_code);
  AddSignInClientCommand(central, exit_code);
  AddShowCommand(central, exit_code);
}

}  // namespace riik::cli
