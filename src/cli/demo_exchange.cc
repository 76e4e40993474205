// The demo exchange set-up for `riik up`.
#include "cli/demo_exchange.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "crypto/x509.h"
#include "crypto/sha256.h"
#include "exchange/access_rights.h"
#include "exchange/central_registry.h"
#include "node/node.h"

namespace riik::cli {
namespace {

struct DemoMember {
  const char* id;
  const char* name;
  const char* subsystem;
  std::vector<std::pair<const char*, const char*>> services;  // code, description
};

// The registries of the next issue, as members of the exchange.
const DemoMember kDemoMembers[] = {
    {"EE/GOV/70000013", "Population Register", "population",
     {{"person", "a person's names, birth date, status"}, {"address", "a person's address and its history"},
      {"family", "parents, children, spouse"}}},
    {"EE/GOV/70000349", "Tax and Customs Board", "tax", {{"income", "employer-reported income"}}},
    {"EE/COM/10060701", "Demo Bank", "bank", {{"interest", "interest earned per year"}}},
    {"EE/GOV/70000740", "Education Register", "education", {{"pupil", "enrolment of a pupil"}}},
};

Status SeedRegistry(const std::string& dir) {
  ASSIGN_OR_RETURN(auto store, store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto registry, exchange::CentralRegistry::Open(*store, "EE"));
  for (const auto& m : kDemoMembers) {
    ASSIGN_OR_RETURN(exchange::MemberId member, exchange::ParseMemberId(m.id));
    Status st = registry->AddMember(member, m.name);
    if (st.code() == Code::kAlreadyExists) continue;  // seeded on an earlier start
    RETURN_IF_ERROR(st);
    exchange::ClientId sub{member, m.subsystem};
    RETURN_IF_ERROR(registry->AddSubsystem(sub));
    for (const auto& [code, description] : m.services) {
      RETURN_IF_ERROR(registry->AddService(exchange::ServiceId{sub, code}, description));
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file) {
  std::string central = dir + "/central";
  std::error_code ec;
  std::filesystem::create_directories(central, ec);
  if (ec) return Unavailable("cannot create " + central + ": " + ec.message());
  std::string cert_path = central + "/signing.pem", key_path = central + "/signing.key";
  if (!std::filesystem::exists(cert_path) || !std::filesystem::exists(key_path)) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
    std::string passphrase = text.substr(0, text.find('\n'));
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
    trust::IssueRequest req;
    req.profile = trust::Profile::kMemberSigning;
    req.common_name = "EE central authority";
    req.organization = "riik";
    req.public_key = key.get();
    req.days = 825;
    ASSIGN_OR_RETURN(trust::CertificateRecord rec, ca.Issue(req));
    ASSIGN_OR_RETURN(std::string key_pem, EncryptedPrivateKeyPem(key.get(), passphrase));
    RETURN_IF_ERROR(WriteFileAtomic(key_path, key_pem, /*secret=*/true));
    RETURN_IF_ERROR(WriteFileAtomic(cert_path, rec.pem, /*secret=*/false));
  }
  ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
  exchange::TrustAnchor anchor{"EE", {cert_pem}};
  RETURN_IF_ERROR(WriteFileAtomic(central + "/anchor.json", anchor.ToJson(), /*secret=*/false));
  RETURN_IF_ERROR(SeedRegistry(dir));
  return std::map<std::string, std::string>{{"signing_cert", cert_path},
                                            {"signing_key", key_path},
                                            {"key_passphrase_file", passphrase_file},
                                            {"instance", "EE"}};
}

namespace {

// Ports the kernel has free now, all distinct: each stays bound until every one is
// chosen, then all are released (a moment's race with other processes remains, on
// loopback only).
Result<std::vector<int>> FreePorts(size_t count) {
  std::vector<int> fds, ports;
  Status status;
  for (size_t i = 0; i < count && status.ok(); ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      status = Unavailable("cannot find free ports on 127.0.0.1");
    } else {
      ports.push_back(ntohs(addr.sin_port));
    }
    if (fd >= 0) fds.push_back(fd);
  }
  for (int fd : fds) ::close(fd);
  RETURN_IF_ERROR(status);
  return ports;
}

struct DemoServer {
  const char* role;        // role name, e.g. "ss-population"
  const char* member;      // the owner
  const char* subsystem;   // the subsystem it carries
};

// Issues (once) a server's auth certificate (TLS both ways, for 127.0.0.1) and signing
// certificate into DIR/<store>/; returns the auth certificate's SHA-256.
Result<std::string> EnsureServerCertificates(CaAccess& ca, const std::string& dir, const std::string& passphrase,
                                             const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  ASSIGN_OR_RETURN(std::string org_chain, ReadFile(std::filesystem::path(dir).parent_path().string() + "/trust/org-chain.pem"));
  for (const char* kind : {"auth", "signing"}) {
    std::string base = dir + "/" + kind;
    if (std::filesystem::exists(base + ".pem") && std::filesystem::exists(base + ".key")) continue;
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
    trust::IssueRequest req;
    bool auth = std::string_view(kind) == "auth";
    req.profile = auth ? trust::Profile::kMemberAuth : trust::Profile::kMemberSigning;
    req.common_name = name;
    req.organization = "riik demo";
    if (auth) {
      req.dns_names = {"localhost"};
      req.ip_addresses = {"127.0.0.1"};
    }
    req.public_key = key.get();
    ASSIGN_OR_RETURN(trust::CertificateRecord rec, ca.Issue(req));
    // The TLS key stays plain (0600): the TLS layer reads it at start; the signing key
    // is encrypted under the passphrase like the CA's.
    ASSIGN_OR_RETURN(std::string key_pem, auth ? PrivateKeyPem(key.get()) : EncryptedPrivateKeyPem(key.get(), passphrase));
    RETURN_IF_ERROR(WriteFileAtomic(base + ".key", key_pem, /*secret=*/true));
    RETURN_IF_ERROR(WriteFileAtomic(base + ".pem", rec.pem + org_chain, /*secret=*/false));
  }
  ASSIGN_OR_RETURN(std::string auth_pem, ReadFile(dir + "/auth.pem"));
  ASSIGN_OR_RETURN(UniquePtr<X509> auth_cert, ParseCertificatePem(auth_pem));
  return DigestHex(Sha256(CertificateDer(auth_cert.get())));
}

}  // namespace

Result<DemoExchangePorts> DemoExchangePorts::Pick(int port_base) {
  DemoExchangePorts p;
  int* ports[] = {&p.central, &p.backend, &p.population, &p.population_provider, &p.tax, &p.tax_provider};
  std::vector<int> free;
  if (port_base == 0) {
    ASSIGN_OR_RETURN(free, FreePorts(std::size(ports)));
  }
  for (size_t i = 0; i < std::size(ports); ++i) {
    *ports[i] = port_base != 0 ? port_base + 3 + static_cast<int>(i) : free[i];
  }
  return p;
}

Result<std::vector<node::RoleConfig>> PrepareDemoExchange(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file,
                                                          const DemoExchangePorts& ports) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
  std::string passphrase = text.substr(0, text.find('\n'));
  auto local = [](int port) { return "127.0.0.1:" + std::to_string(port); };
  std::vector<node::RoleConfig> roles;
  node::RoleConfig backend{"demo-backend", "demo-backend", {}, {}};
  backend.listen.port = static_cast<uint16_t>(ports.backend);
  roles.push_back(backend);

  struct Spec {
    DemoServer server;
    int port, provider_port;
  } specs[] = {{{"ss-population", "EE/GOV/70000013", "population"}, ports.population, ports.population_provider},
               {{"ss-tax", "EE/GOV/70000349", "tax"}, ports.tax, ports.tax_provider}};
  ASSIGN_OR_RETURN(auto central_store,
                   store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto registry, exchange::CentralRegistry::Open(*central_store, "EE"));
  for (const auto& spec : specs) {
    std::string store_name = spec.server.role;
    for (char& c : store_name) c = c == '-' ? '_' : c;  // as the exchange role names its store
    std::string ss_dir = dir + "/" + store_name;
    std::string server_id = std::string(spec.server.member) + "/ss1";
    ASSIGN_OR_RETURN(std::string auth_sha256, EnsureServerCertificates(ca, ss_dir, passphrase, server_id));
    ASSIGN_OR_RETURN(exchange::MemberId owner, exchange::ParseMemberId(spec.server.member));
    exchange::SecurityServer registered{owner, "ss1", "https://" + local(spec.provider_port), auth_sha256,
                                        {exchange::ClientId{owner, spec.server.subsystem}}};
    RETURN_IF_ERROR(registry->PutServer(registered));

    node::RoleConfig role{"exchange", spec.server.role, {}, {}};
    role.listen.port = static_cast<uint16_t>(spec.port);
    role.listen.threads = 2;
    role.settings = {{"server_id", server_id},
                     {"central_url", "http://" + local(ports.central)},
                     {"anchor", dir + "/central/anchor.json"},
                     {"trust_root", dir + "/trust/root.pem"},
                     {"auth_cert", ss_dir + "/auth.pem"},
                     {"auth_key", ss_dir + "/auth.key"},
                     {"tls_cert", ss_dir + "/auth.pem"},
                     {"tls_key", ss_dir + "/auth.key"},
                     {"provider_listen", local(spec.provider_port)},
                     {"signing_cert", ss_dir + "/signing.pem"},
                     {"signing_key", ss_dir + "/signing.key"},
                     {"key_passphrase_file", passphrase_file}};
    roles.push_back(std::move(role));
  }
  // The population register serves `person` from the demo backend, and lets the tax
  // board read it (deny by default: this is the one grant).
  roles[1].settings["backend.EE/GOV/70000013/population/person"] = "http://" + local(ports.backend) + "/person";
  ASSIGN_OR_RETURN(auto ss_store,
                   store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "ss_population"), "ss_population"}));
  ASSIGN_OR_RETURN(auto rights, exchange::AccessRights::Open(*ss_store));
  ASSIGN_OR_RETURN(exchange::ServiceId person, exchange::ParseServiceId("EE/GOV/70000013/population/person"));
  ASSIGN_OR_RETURN(exchange::ClientId tax, exchange::ParseClientId("EE/GOV/70000349/tax"));
  bool granted = false;
  for (const auto& g : rights->List(&person)) granted = granted || g.client == tax;
  if (!granted) RETURN_IF_ERROR(rights->Grant(exchange::AccessGrant{person, tax, "GET", "", 0}));
  return roles;
}

}  // namespace riik::cli
