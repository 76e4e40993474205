// `riik up`: the whole state on one machine, with demo data, on loopback.
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/child_process.h"
#include "cli/commands.h"
#include "cli/demo_citizens.h"
#include "cli/demo_embassy.h"
#include "cli/demo_exchange.h"
#include "cli/demo_signin.h"
#include "cli/endpoints.h"
#include "cli/run_node.h"
#include "cli/tour.h"
#include "cli/up.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/version.h"
#include "crypto/self_signed.h"
#include "node/node.h"
#include "registry/registry.h"
#include "store/row_fields.h"
#include "store/store.h"

namespace riik::cli {
namespace {

// Role instances `riik up` starts, in port order from --port-base (central last: +3).
struct UpRole {
  const char* name;
  const char* kind;
  bool tls;
  const char* what;
};
constexpr UpRole kUpRoles[] = {
    {"status", "status", false, "node status: each store's journal head, journal pages, digests"},
    {"status-tls", "status", true, "the same over TLS (development certificate)"},
    {"trust", "trust", false, "the state CA: OCSP responder, timestamping (RFC 3161), CA certificates"},
    {"central", "central", false, "the X-Road central authority: the signed global configuration"},
};

// The CA key passphrase for the demo state, made once and kept 0600 in DIR/trust. A
// real deployment keeps CA keys on a hardware token instead.
Result<std::string> DemoCaPassphraseFile(const std::string& dir) {
  std::string trust_dir = dir + "/trust";
  std::string path = trust_dir + "/passphrase";
  if (std::filesystem::exists(path)) return path;
  RETURN_IF_ERROR(MakePrivateDirectory(trust_dir));
  unsigned char random[24];
  if (RAND_bytes(random, sizeof random) != 1) return Internal("no randomness for the CA passphrase");
  std::string passphrase = HexEncode(std::string(reinterpret_cast<char*>(random), sizeof random));
  Status written = WriteFileAtomic(path, passphrase + "\n", /*secret=*/true);
  OPENSSL_cleanse(passphrase.data(), passphrase.size());
  RETURN_IF_ERROR(written);
  return path;
}

// A development TLS identity kept under DIR/tls and reused on every start. The
// trust role's state CA replaces it once it exists.
Result<std::pair<std::string, std::string>> DevTlsIdentity(const std::string& dir) {
  std::string tls_dir = dir + "/tls";
  std::string cert = tls_dir + "/dev-tls.pem", key = tls_dir + "/dev-tls.key";
  if (std::filesystem::exists(cert) && std::filesystem::exists(key)) return std::make_pair(cert, key);
  RETURN_IF_ERROR(MakePrivateDirectory(tls_dir));
  ASSIGN_OR_RETURN(PemIdentity id, MakeSelfSigned("riik development TLS", {"localhost"}, 825));
  RETURN_IF_ERROR(WriteFileAtomic(key, id.key_pem, /*secret=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(cert, id.cert_pem, /*secret=*/false));
  return std::make_pair(cert, key);
}

struct ExchangeSetUp {
  std::map<std::string, std::string> central;  // the central role's settings
  std::vector<node::RoleConfig> roles;         // the registries and their security servers
  std::vector<node::RoleConfig> signin;        // the sign-in service and the demo services
  DemoEmbassy embassy;                         // the data embassy and the shipping to it
};

// The trust role's URL as the node will give it (HttpServer::url on loopback): its port
// of `ports`, in kUpRoles' order.
Result<std::string> TrustRoleUrl(const DemoExchangePorts& ports) {
  size_t picked = 0;
  for (const auto& r : kUpRoles) {
    if (std::string_view(r.kind) == "central") continue;
    if (std::string_view(r.kind) == "trust") {
      return std::string(r.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(ports.first.at(picked));
    }
    ++picked;
  }
  return Internal("riik up has no trust role");
}

// The CA (made now if this is the first start) issues the central authority's and the
// security servers' keys before any role owns the trust store; it is closed on return.
Result<ExchangeSetUp> PrepareExchange(const std::string& dir, const std::string& passphrase_file,
                                      const DemoExchangePorts& ports, DemoExchangeOptions options,
                                      bool synchronous_shipping) {
  CaSelect select;
  select.dir = dir;
  select.passphrase_file = passphrase_file;
  if (!std::filesystem::exists(dir + "/trust/root.pem")) {
    ASSIGN_OR_RETURN(CaAccess made, CaAccess::Connect(select, /*create=*/true));
  }
  // The demo election's polling-station official, whom its manifest names when it is made
  // (the first start; later starts keep the manifest, and with it the official's
  // certificate of that day).
  if (!std::filesystem::exists(dir + "/election/manifest.json")) {
    ASSIGN_OR_RETURN(std::string trust_url, TrustRoleUrl(ports));
    ASSIGN_OR_RETURN(std::string official, EnsureDemoOfficial(select, trust_url));
    options.paper_vote_officials = {official};
  }
  ASSIGN_OR_RETURN(CaAccess ca, CaAccess::Connect(select, /*create=*/true));
  ExchangeSetUp out;
  ASSIGN_OR_RETURN(out.central, PrepareCentral(ca, dir, passphrase_file));
  ASSIGN_OR_RETURN(out.roles, PrepareDemoExchange(ca, dir, passphrase_file, ports, options));
  ASSIGN_OR_RETURN(out.signin, PrepareDemoSignIn(ca, dir, ports));
  ASSIGN_OR_RETURN(out.embassy, PrepareDemoEmbassy(ca, dir, passphrase_file, ports.embassy, synchronous_shipping));
  return out;
}

// What a registry or security server role is, for the tour.
std::string DemoRoleText(const node::RunningRole& role) {
  for (const registry::RegistryInfo& r : registry::Registries()) {
    if (role.name == std::string("registry-") + r.name) {
      std::string services;
      for (const auto& s : r.services) services += (services.empty() ? "" : ", ") + std::string(s.code);
      return std::string(r.member_name) + " " + r.member + " (" + services + ")";
    }
    if (role.name == std::string("ss-") + r.name) return std::string("security server of ") + r.member_name;
  }
  if (role.kind == "sign")
    return std::string("signatures service ") + kSignSubsystem + " (validate, validations, signing in the app)";
  if (role.name == "ss-sign") return "security server of the Information System Authority (hosts the vote service too)";
  if (role.kind == "vote")
    return std::string("i-voting ") + kVoteSubsystem + ": the ballot box, the voter's check, the board";
  if (role.kind == "auth") return "sign-in (OpenID Connect): ID-card (Web eID) and the app, single sign-on";
  if (role.name == "rp-a") return std::string("demo service A ") + kDemoServiceA + ": open it and sign in";
  if (role.name == "rp-b") return std::string("demo service B ") + kDemoServiceB + ": signed in there too (SSO)";
  if (role.kind == "portal") return "the citizen portal: sign in, see your data, change your address";
  return "";
}

// One call per registry for the tour and endpoints.json: through the security server of
// a member that has the grant, on behalf of a demo citizen (or a real pupil/company).
struct TourCall {
  const char* registry;
  const char* via;     // the calling member's security server role
  const char* client;  // its subsystem
  std::string path;    // /r1/SERVICE/KEY[?query]
};

// A key that exists in a registry's store (the first of `sql`), or `fallback`.
std::string FirstKey(const std::string& dir, const std::string& registry, const std::string& sql,
                     const std::string& fallback) {
  std::string store_name = node::RoleStoreName("registry-" + registry);
  store::StoreOptions so{node::DefaultStoreUrl(dir, store_name), store_name};
  so.read_only = true;
  auto st = store::Store::Open(so);
  if (!st.ok()) return fallback;
  auto rows = (*st)->Query(sql);
  if (!rows.ok() || rows->empty()) return fallback;
  return store::TextOr(rows->front(), rows->front().begin()->first, fallback);
}

std::vector<TourCall> TourCalls(const std::string& dir) {
  const std::string citizen = "38001085718";  // Jaak-Kristjan Jõeorg, a demo citizen
  std::string pupil = FirstKey(dir, "education", "SELECT person FROM pupils ORDER BY person LIMIT 1", citizen);
  std::string company =
      FirstKey(dir, "business", "SELECT registry_code FROM companies ORDER BY registry_code LIMIT 1", "");
  return {{"population", "ss-tax", "EE/GOV/70000349/tax", "/r1/EE/GOV/70000013/population/person/" + citizen},
          {"business", "ss-tax", "EE/GOV/70000349/tax", "/r1/EE/GOV/70000310/business/company/" + company},
          {"tax", "ss-bank", "EE/COM/10060701/bank", "/r1/EE/GOV/70000349/tax/income/" + citizen},
          {"bank", "ss-tax", "EE/GOV/70000349/tax", "/r1/EE/COM/10060701/bank/interest/" + citizen},
          {"education", "ss-tax", "EE/GOV/70000349/tax", "/r1/EE/GOV/70000740/education/pupil/" + pupil}};
}

// This binary's path, as the tour's commands name it.
std::string SelfPath() {
  std::error_code ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  return ec ? "riik" : self;
}

// The tour for `--dir` and `--port-base` as given, without starting anything: the role
// URLs riik up would serve at (README.md shows this for the defaults).
int PrintTourOnly(const UpOptions& o) {
  if (o.port_base == 0) {
    std::fprintf(stderr, "riik up --print-tour: give --port-base (with 0 the ports are known only once it runs)\n");
    return 2;
  }
  auto ports = DemoExchangePorts::Pick(o.port_base, std::size(kUpRoles) - 1);
  if (!ports.ok()) {
    std::fprintf(stderr, "riik up --print-tour: %s\n", ports.status().message().c_str());
    return 1;
  }
  auto url = [](bool tls, int port) {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
  };
  std::map<std::string, std::string> values = {{"dir", o.dir}, {"riik", SelfPath()}};
  for (size_t i = 0; i + 1 < std::size(kUpRoles); ++i) values[kUpRoles[i].name] = url(kUpRoles[i].tls, ports->first[i]);
  values["central"] = url(false, ports->central);
  for (size_t i = 0; i < registry::Registries().size(); ++i) {
    const std::string name = registry::Registries()[i].name;
    values["registry-" + name] = url(true, ports->registries[i].registry);
    values["ss-" + name] = url(true, ports->registries[i].consumer);
  }
  values["embassy-lu"] = url(true, ports->embassy);
  values["sign"] = url(true, ports->sign.registry);
  values["ss-sign"] = url(true, ports->sign.consumer);
  values["auth"] = url(true, ports->auth);
  values["rp-a"] = url(true, ports->rp_a);
  values["rp-b"] = url(true, ports->rp_b);
  values["portal"] = url(true, ports->portal);
  values["vote"] = url(true, ports->vote);
  std::printf("%s", RenderTour(values).c_str());
  return 0;
}

void PrintTour(const node::Node& node, const std::string& dir, const std::string& ca_path, const Json& endpoints,
               const DemoEmbassy& embassy) {
  std::printf("\nriik %s: the state is up. Data lives in %s\n\n", kVersion, dir.c_str());
  for (const auto& role : node.roles()) {
    const char* what = "";
    for (const auto& r : kUpRoles) {
      if (role.name == r.name) what = r.what;
    }
    std::string demo = DemoRoleText(role);
    std::printf("  %-20s %-23s %s\n", role.name.c_str(), role.url.c_str(), demo.empty() ? what : demo.c_str());
  }
  std::printf(
      "  %-20s %-23s the data embassy, its own process (pid in %s/embassy.pid): every store's\n"
      "  %-20s %-23s journal arrives there encrypted and signed (%s)\n",
      "embassy-lu", embassy.url.c_str(), embassy.dir.c_str(), "", "", embassy.shipping.Setting("mode").c_str());
  std::map<std::string, std::string> values = {{"dir", dir}, {"riik", SelfPath()}, {"embassy-lu", embassy.url}};
  for (const auto& role : node.roles()) values[role.name] = role.url;
  std::printf("\nThe tour, as README.md shows it (paste it whole, or a line at a time):\n\n%s",
              RenderTour(values).c_str());
  const std::string self = SelfPath();
  if (endpoints.contains("identities") && !endpoints["identities"].empty()) {
    std::printf("\nDemo citizens (software eIDs; PIN1 0090, PIN2 01497, PUK 17258403, as on the test cards):\n");
    for (const auto& person : endpoints["identities"]) {
      std::string name = person.value("name", "");
      size_t width = 0;  // in characters, not bytes
      for (unsigned char c : name) width += (c & 0xC0) != 0x80;
      std::printf("  %s  %s%*s %s\n", person.value("code", "").c_str(), name.c_str(),
                  static_cast<int>(width < 22 ? 22 - width : 0), "", person.value("token", "").c_str());
    }
    const auto& first = endpoints["identities"][0];
    std::printf("  e.g. %s id show --token %s\n", self.c_str(), first.value("token", "").c_str());
  }
  std::string auth, rp_a, rp_b, portal;
  for (const auto& role : node.roles()) {
    if (role.kind == "auth") auth = role.url;
    if (role.name == "rp-a") rp_a = role.url;
    if (role.name == "rp-b") rp_b = role.url;
    if (role.kind == "portal") portal = role.url;
  }
  if (!auth.empty() && !portal.empty()) {
    std::printf(
        "\nThe citizen portal (docs/portal.md): open %s/ in a browser (it trusts %s/trust/root.pem,\n"
        "or accept the warning) and sign in as a demo citizen above: with the app, type the personal\n"
        "code, then confirm as the citizen's app would, with the code the page shows:\n"
        "  RIIK_PIN1=0090 %s id approve --token %s/citizens/38001085718 --auth %s --ca %s/trust/root.pem \\\n"
        "      --expect-code NNNN\n",
        portal.c_str(), dir.c_str(), self.c_str(), dir.c_str(), auth.c_str(), dir.c_str());
  }
  if (!auth.empty() && !rp_a.empty()) {
    std::printf(
        "\nSign in (docs/signin.md): open %s/ in a browser (it trusts %s/trust/root.pem, or accept the\n"
        "warning), choose the app and type 38001085718; then confirm as the citizen's app would, with\n"
        "the code the page shows:\n"
        "  RIIK_PIN1=0090 %s id approve --token %s/citizens/38001085718 --auth %s --ca %s/trust/root.pem \\\n"
        "      --expect-code NNNN\n"
        "and open %s/: signed in there too, without being asked. To act for a company, sign in to\n"
        "service A with \"Sign in to act for a company\" as Tõnu Tamm (36107212142, a board member).\n",
        rp_a.c_str(), dir.c_str(), self.c_str(), dir.c_str(), auth.c_str(), dir.c_str(), rp_b.c_str());
  }
  std::printf("\nEvery URL, CA certificate and example: %s/endpoints.json\n", dir.c_str());
  std::printf("TLS clients trust %s. Stop with Ctrl-C; run again to resume with all data.\n\n", ca_path.c_str());
  std::fflush(stdout);
}

}  // namespace

int RunUp(const UpOptions& o) {
  // Stores, keys and tokens live here: only the operator's account may enter.
  if (Status made = MakePrivateDirectory(o.dir); !made.ok()) {
    std::fprintf(stderr, "riik up: %s\n", made.message().c_str());
    return 1;
  }
  std::string dir = std::filesystem::canonical(o.dir).string();
  auto tls = DevTlsIdentity(dir);
  if (!tls.ok()) {
    std::fprintf(stderr, "riik up: %s\n", tls.status().message().c_str());
    return 1;
  }
  if (o.port_base != 0 && (o.port_base < 1024 || o.port_base > 65000)) {
    std::fprintf(stderr, "riik up: --port-base must be 0 (any free ports) or from 1024 to 65000\n");
    return 1;
  }
  auto passphrase_file = DemoCaPassphraseFile(dir);
  if (!passphrase_file.ok()) {
    std::fprintf(stderr, "riik up: %s\n", passphrase_file.status().message().c_str());
    return 1;
  }
  // Every role but central (which the exchange's ports place) takes a port of the
  // same pick.
  auto ports = DemoExchangePorts::Pick(o.port_base, std::size(kUpRoles) - 1);
  DemoExchangeOptions demo{o.population, 1, std::chrono::seconds(o.polls_s), o.ballot_queue};
  auto exchange = ports.ok() ? PrepareExchange(dir, *passphrase_file, *ports, demo, o.embassy_mode == "sync")
                             : Result<ExchangeSetUp>(ports.status());
  if (!exchange.ok()) {
    std::fprintf(stderr, "riik up: preparing the data exchange: %s\n", exchange.status().message().c_str());
    return 1;
  }
  node::NodeConfig config;
  config.data_dir = dir;
  size_t picked = 0;
  for (const auto& r : kUpRoles) {
    node::RoleConfig role{r.kind, r.name, {}, {}};
    if (std::string_view(r.kind) == "trust") role.settings["passphrase_file"] = *passphrase_file;
    if (std::string_view(r.kind) != "central") role.listen.port = static_cast<uint16_t>(ports->first[picked++]);
    if (std::string_view(r.kind) == "central") {
      role.settings = exchange->central;                         // trust URLs: the trust role's
      role.listen.port = static_cast<uint16_t>(ports->central);  // the security servers' central_url
    }
    role.listen.threads = o.threads;
    if (r.tls) role.listen.tls = net::TlsServerConfig{tls->first, tls->second, ""};
    config.roles.push_back(std::move(role));
  }
  for (auto& role : exchange->roles) {
    if (role.kind == "exchange") role.settings["ocsp_freshness_s"] = std::to_string(o.ocsp_freshness_s);
    config.roles.push_back(std::move(role));
  }
  for (auto& role : exchange->signin) config.roles.push_back(std::move(role));
  // The data embassy runs as a process of its own (the site abroad), started first so
  // that every store ships to it from its first commit; it stops after this node has
  // sent it the last entries.
  const DemoEmbassy& embassy = exchange->embassy;
  config.shipping = embassy.shipping;
  std::error_code exe_ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", exe_ec).string();
  auto embassy_process =
      exe_ec ? Result<ChildProcess>(Unavailable("cannot find this program: " + exe_ec.message()))
             : ChildProcess::Spawn({self, "serve", "--config", embassy.config_path}, embassy.dir + "/embassy.log");
  Status embassy_up = embassy_process.ok() ? embassy_process->WaitForPort(embassy.port, std::chrono::seconds(30))
                                           : embassy_process.status();
  if (!embassy_up.ok()) {
    std::fprintf(stderr, "riik up: the data embassy did not start: %s (see %s/embassy.log)\n",
                 embassy_up.message().c_str(), embassy.dir.c_str());
    return 1;
  }
  (void)WriteFileAtomic(embassy.dir + "/embassy.pid", std::to_string(embassy_process->pid()) + "\n", false);
  return RunNodeUntilSignal(std::move(config), [&](node::Node& node) {
    EndpointsExtras extras;
    extras.ca_certificates["dev_tls"] = tls->first;
    std::string trust_dir = dir + "/trust";
    for (const char* ca : {"root", "eid", "org", "eid-chain", "org-chain"}) {
      extras.ca_certificates[std::string(ca)] = trust_dir + "/" + ca + ".pem";
    }
    const std::vector<TourCall> tour_calls = TourCalls(dir);
    for (const auto& role : node.roles()) {
      if (role.kind == "trust") {
        // Asks the responder about its own certificate: a good answer, verified to the root.
        extras.examples[role.name] = "openssl ocsp -issuer " + trust_dir + "/org.pem -cert " + trust_dir +
                                     "/ocsp-org.pem -url " + role.url + "/ocsp -CAfile " + trust_dir + "/root.pem";
        extras.urls[role.name] = {{"ocsp", role.url + "/ocsp"},
                                  {"tsa", role.url + "/tsa"},
                                  {"ca_certificates", role.url + "/ca/{root,eid,org}.crt"}};
        continue;
      }
      if (role.kind == "exchange") continue;
      if (role.kind == "registry") {  // a call to it through the exchange
        for (const TourCall& call : tour_calls) {
          if (role.name != std::string("registry-") + call.registry) continue;
          std::string via;
          for (const auto& r : node.roles()) via = r.name == call.via ? r.url : via;
          // As the calling member's information system: its own certificate, which its
          // security server knows it by (X-Road's SSLAUTH).
          std::string is = dir + "/" + node::RoleStoreName(std::string("registry-") + (call.via + 3)) + "/tls";
          extras.examples[role.name] = "curl -s --cacert " + trust_dir + "/root.pem --cert " + is + ".pem --key " + is +
                                       ".key -H 'X-Road-Client: " + std::string(call.client) +
                                       "' -H 'X-Road-UserId: EE38001085718' -H 'X-Road-Issue: riik up tour' " + via +
                                       call.path;
        }
        continue;
      }
      if (role.kind == "sign") {  // as the tax board would: a container through the exchange
        std::string via, is = dir + "/" + node::RoleStoreName("registry-tax") + "/tls";
        for (const auto& r : node.roles()) via = r.name == "ss-tax" ? r.url : via;
        extras.examples[role.name] = "curl -s --cacert " + trust_dir + "/root.pem --cert " + is + ".pem --key " + is +
                                     ".key -H 'X-Road-Client: EE/GOV/70000349/tax' -H 'Content-Type: "
                                     "application/vnd.etsi.asic-e+zip' --data-binary @document.asice " +
                                     via + "/r1/" + kSignSubsystem + "/validate";
        continue;
      }
      if (role.kind == "auth") {
        extras.urls[role.name] = {{"discovery", role.url + "/.well-known/openid-configuration"},
                                  {"jwks", role.url + "/jwks"},
                                  {"authorize", role.url + "/authorize"},
                                  {"token", role.url + "/token"},
                                  {"userinfo", role.url + "/userinfo"},
                                  {"logout", role.url + "/logout"},
                                  {"app_requests", role.url + "/app/v1/requests"},
                                  {"signing_sessions", role.url + "/signing/v1/sessions"}};
        extras.examples[role.name] =
            "curl -s --cacert " + trust_dir + "/root.pem " + role.url + "/.well-known/openid-configuration | jq .";
        continue;
      }
      if (role.kind == "rp") {
        extras.urls[role.name] = {{"open", role.url + "/"},
                                  {"client_id", role.name == "rp-a" ? kDemoServiceA : kDemoServiceB}};
        extras.examples[role.name] = "curl -s --cacert " + trust_dir + "/root.pem " + role.url + "/";
        continue;
      }
      if (role.kind == "vote") {  // its public routes: the verification app's and the board's
        extras.urls[role.name] = {{"check", role.url + "/check/{vote_id}"},
                                  {"manifest", role.url + "/manifest"},
                                  {"board_head", role.url + "/board/head"}};
        extras.examples[role.name] = "curl -s --cacert " + trust_dir + "/root.pem " + role.url + "/board/head";
        continue;
      }
      if (role.kind == "portal") {
        extras.urls[role.name] = {{"open", role.url + "/"}, {"client_id", kPortalSubsystem}};
        extras.examples[role.name] = "curl -s --cacert " + trust_dir + "/root.pem " + role.url + "/";
        continue;
      }
      if (role.kind == "central") {
        extras.examples[role.name] =
            "curl -s " + role.url + "/globalconf | jq '.conf | {version, members: [.members[].id]}'";
        extras.urls[role.name] = {{"globalconf", role.url + "/globalconf"}, {"anchor", dir + "/central/anchor.json"}};
        continue;
      }
      bool https = role.url.starts_with("https");
      extras.examples[role.name] = https ? "curl -s --cacert " + tls->first + " " + role.url + "/v1/stores"
                                         : "curl -s " + role.url + "/v1/status";
    }
    // Demo citizens' eIDs, issued through the running trust role, so that their
    // certificates carry its OCSP URL.
    CaSelect select;
    select.dir = dir;
    select.passphrase_file = *passphrase_file;
    for (const auto& role : node.roles()) {
      if (role.kind == "trust") select.trust_url = role.url;
    }
    auto ca = CaAccess::Connect(select);
    auto citizens = ca.ok() ? EnsureDemoCitizens(*ca, dir) : Result<Json>(ca.status());
    if (citizens.ok()) {
      extras.identities = std::move(*citizens);
    } else {
      std::fprintf(stderr, "riik up: demo citizens: %s\n", citizens.status().message().c_str());
    }
    Json endpoints = BuildEndpoints(node, extras);
    endpoints["embassy"] = {{"url", embassy.url},
                            {"archive", embassy.archive_dir},
                            {"custody", dir + "/custody"},
                            {"mode", embassy.shipping.Setting("mode")},
                            {"log", embassy.dir + "/embassy.log"}};
    Status st = WriteJsonFile(dir + "/endpoints.json", endpoints);
    if (!st.ok()) std::fprintf(stderr, "riik up: %s\n", st.message().c_str());
    PrintTour(node, dir, tls->first, endpoints, embassy);
    if (o.on_serving) o.on_serving();
  });
}

void AddUpCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UpOptions>();
  CLI::App* up = app.add_subcommand("up", "Start the whole state on this machine, with demo data, on 127.0.0.1");
  up->footer(
      "Every role runs in this one process on loopback, and the data embassy in a second\n"
      "one (DIR/embassy-lu/) that every store's journal streams to. All state is kept under --dir\n"
      "(SQLite files, certificates) and DIR/endpoints.json lists every URL, the CA\n"
      "certificates and a ready example call. Ctrl-C stops cleanly; running `riik up`\n"
      "again on the same directory resumes with all data intact.\n\n"
      "Examples:\n"
      "  riik up                          # ports 7000.. in ./riik-data\n"
      "  riik up --dir /tmp/state --port-base 8100\n"
      "  riik up --port-base 0            # any free ports (see endpoints.json)");
  up->add_option("--dir", o->dir, "Directory for all state")->capture_default_str();
  up->add_option("--port-base", o->port_base, "First port; roles use consecutive ports (0: any free ports)")
      ->capture_default_str();
  up->add_option("--threads", o->threads, "Network threads per role")->check(CLI::Range(1, 64))->capture_default_str();
  up->add_option("--population", o->population,
                 "Persons in the registries' synthetic population, loaded on the first start (Estonia: 1300000)")
      ->check(CLI::Range(int64_t{1}, int64_t{20'000'000}))
      ->capture_default_str();
  up->add_option("--ocsp-freshness-s", o->ocsp_freshness_s,
                 "How long security servers trust a peer's OCSP status (a revoked member is cut off within it)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  up->add_option("--polls", o->polls_s,
                 "How long the demo election's polls stay open from the first start, in seconds (then the "
                 "operator closes the board and the trustees count)")
      ->check(CLI::Range(int64_t{60}, int64_t{365} * 86400))
      ->capture_default_str();
  up->add_option("--ballot-queue", o->ballot_queue,
                 "Ballots the vote service checks or holds at once; more are answered busy (503, Retry-After) "
                 "and the portal casts them again a second later, without asking the voter to sign again")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  up->add_option("--embassy-mode", o->embassy_mode,
                 "Shipping to the data embassy: async (commits return at once; lag reported) or sync (a commit "
                 "returns once the embassy holds it: RPO 0)")
      ->check(CLI::IsMember({"async", "sync"}))
      ->capture_default_str();
  auto print_tour = std::make_shared<bool>(false);
  up->add_flag("--print-tour", *print_tour,
               "Print the tour (the commands to try, README.md's) for --dir and --port-base, and start nothing");
  up->callback([o, print_tour, &exit_code] { exit_code = *print_tour ? PrintTourOnly(*o) : RunUp(*o); });
}

}  // namespace riik::cli
