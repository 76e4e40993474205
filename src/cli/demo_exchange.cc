// The demo exchange set-up for `riik up`.
#include "cli/demo_exchange.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/demo_election.h"
#include "core/clock.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/access_rights.h"
#include "exchange/central_registry.h"
#include "node/node.h"
#include "registry/registry.h"
#include "vote/pseudonym.h"

namespace riik::cli {
namespace {

// Who may call whom in the demo state: what the once-only flows need, nothing more
// (deny by default). Service ids are INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.
struct DemoGrant {
  const char* service;
  const char* client;
  const char* method = "GET";
};
constexpr DemoGrant kDemoGrants[] = {
    // The tax board pre-fills returns: who the person is, their bank interest.
    {"EE/GOV/70000013/population/person", "EE/GOV/70000349/tax"},
    {"EE/GOV/70000013/population/address", "EE/GOV/70000349/tax"},
    {"EE/COM/10060701/bank/interest", "EE/GOV/70000349/tax"},
    // The bank knows its customers from the population register, never from a form.
    {"EE/GOV/70000013/population/person", "EE/COM/10060701/bank"},
    {"EE/GOV/70000013/population/address", "EE/COM/10060701/bank"},
    // The school district follows the pupil's address.
    {"EE/GOV/70000013/population/address", "EE/GOV/70000740/education"},
    {"EE/GOV/70000013/population/family", "EE/GOV/70000740/education"},
    // The business register names board members as the population register does.
    {"EE/GOV/70000013/population/person", "EE/GOV/70000310/business"},
    // The tax board checks employers and the children a parent claims for.
    {"EE/GOV/70000310/business/company", "EE/GOV/70000349/tax"},
    {"EE/GOV/70000310/business/roles", "EE/GOV/70000349/tax"},
    {"EE/GOV/70000740/education/pupil", "EE/GOV/70000349/tax"},
    // Acting for a company: the sign-in service reads a person's board seats; a service
    // the person acts for a company in reads the company's record.
    {"EE/GOV/70000310/business/roles", kSignInSubsystem},
    {"EE/GOV/70000310/business/company", kDemoServiceA},
    {"EE/GOV/70000310/business/company", kDemoServiceB},
    // The citizen portal reads a person's own data on their behalf (X-Road-UserId from
    // their sign-in), changes their address, and asks the subscribers whether they were
    // told of it.
    {"EE/GOV/70000013/population/person", kPortalSubsystem},
    {"EE/GOV/70000013/population/address", kPortalSubsystem},
    {"EE/GOV/70000013/population/address", kPortalSubsystem, "POST"},
    {"EE/GOV/70000013/population/family", kPortalSubsystem},
    {"EE/GOV/70000310/business/roles", kPortalSubsystem},
    {"EE/GOV/70000349/tax/income", kPortalSubsystem},
    {"EE/COM/10060701/bank/accounts", kPortalSubsystem},
    {"EE/GOV/70000740/education/pupil", kPortalSubsystem},
    {"EE/GOV/70000349/tax/notifications", kPortalSubsystem},
    {"EE/COM/10060701/bank/notifications", kPortalSubsystem},
    {"EE/GOV/70000740/education/notifications", kPortalSubsystem},
    // It fetches the pre-filled return, has the person sign it in their app, submits it.
    {"EE/GOV/70000349/tax/return", kPortalSubsystem},
    {"EE/GOV/70000349/tax/return", kPortalSubsystem, "POST"},
    {"EE/GOV/70006317/sign/signing", kPortalSubsystem, "POST"},
    {"EE/GOV/70006317/sign/signing", kPortalSubsystem},
    {"EE/GOV/70006317/sign/validate", kPortalSubsystem, "POST"},
    // i-Voting: the voter's election and casting, on the voter's behalf.
    {"EE/GOV/74000026/vote/election", kPortalSubsystem},
    {"EE/GOV/74000026/vote/ballots", kPortalSubsystem, "POST"},
    // A company's record, when the person acts for it (X-Road-Represented-Party).
    {"EE/GOV/70000310/business/company", kPortalSubsystem},
    // "Who used my data": every registry's data tracker, on the person's own behalf.
    {"EE/GOV/70000013/population/tracker", kPortalSubsystem},
    {"EE/GOV/70000310/business/tracker", kPortalSubsystem},
    {"EE/GOV/70000349/tax/tracker", kPortalSubsystem},
    {"EE/COM/10060701/bank/tracker", kPortalSubsystem},
    {"EE/GOV/70000740/education/tracker", kPortalSubsystem},
    // The electoral roll, for the vote service's voter list.
    {"EE/GOV/70000013/population/voters", kVoteSubsystem},
    // A loan decision with the customer's consent (X-Road-UserId): declared income.
    {"EE/GOV/70000349/tax/income", "EE/COM/10060701/bank"},
    // Change propagation: who may subscribe to address changes, and the notifications.
    {"EE/GOV/70000013/population/subscriptions", "EE/GOV/70000349/tax", "POST"},
    {"EE/GOV/70000013/population/subscriptions", "EE/COM/10060701/bank", "POST"},
    {"EE/GOV/70000013/population/subscriptions", "EE/GOV/70000740/education", "POST"},
    {"EE/GOV/70000349/tax/notify", "EE/GOV/70000013/population", "POST"},
    {"EE/COM/10060701/bank/notify", "EE/GOV/70000013/population", "POST"},
    {"EE/GOV/70000740/education/notify", "EE/GOV/70000013/population", "POST"},
    // The tax board accepts signed returns only through the validation service.
    {"EE/GOV/70006317/sign/validate", "EE/GOV/70000349/tax", "POST"},
    {"EE/GOV/70006317/sign/validations", "EE/GOV/70000349/tax"},
    // The tax board asks a person to sign their return in the app (remote signing).
    {"EE/GOV/70006317/sign/signing", "EE/GOV/70000349/tax", "POST"},
    {"EE/GOV/70006317/sign/signing", "EE/GOV/70000349/tax"},
};

Status SeedRegistry(const std::string& dir) {
  ASSIGN_OR_RETURN(auto store,
                   store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto registry, exchange::CentralRegistry::Open(*store, "EE"));
  // Each added unless it was on an earlier start (a data directory from an earlier
  // version gets what is new).
  auto added = [](Status st) { return st.code() == Code::kAlreadyExists ? OkStatus() : st; };
  for (const registry::RegistryInfo& r : registry::Registries()) {
    ASSIGN_OR_RETURN(exchange::MemberId member, exchange::ParseMemberId(r.member));
    RETURN_IF_ERROR(added(registry->AddMember(member, r.member_name)));
    exchange::ClientId sub{member, r.subsystem};
    RETURN_IF_ERROR(added(registry->AddSubsystem(sub)));
    for (const registry::ServiceInfo& service : r.services) {
      RETURN_IF_ERROR(added(registry->AddService(exchange::ServiceId{sub, service.code}, service.description)));
    }
  }
  // The signature validation service, a member of its own, with the sign-in service, the
  // demo services and the portal as its other subsystems.
  ASSIGN_OR_RETURN(exchange::MemberId ria, exchange::ParseMemberId(kSignMember));
  RETURN_IF_ERROR(added(registry->AddMember(ria, "Information System Authority")));
  exchange::ClientId sign{ria, "sign"};
  RETURN_IF_ERROR(added(registry->AddSubsystem(sign)));
  for (const ExchangeClientRole& c : kSignMemberClients) {
    ASSIGN_OR_RETURN(exchange::ClientId id, exchange::ParseClientId(c.subsystem));
    RETURN_IF_ERROR(added(registry->AddSubsystem(id)));
  }
  // The vote service: a member of its own.
  ASSIGN_OR_RETURN(exchange::MemberId electoral, exchange::ParseMemberId(kVoteMember));
  RETURN_IF_ERROR(added(registry->AddMember(electoral, "Chancellery of the Riigikogu (State Electoral Office)")));
  exchange::ClientId vote{electoral, "vote"};
  RETURN_IF_ERROR(added(registry->AddSubsystem(vote)));
  RETURN_IF_ERROR(
      added(registry->AddService(exchange::ServiceId{vote, "election"}, "the voter's election: candidates, key")));
  RETURN_IF_ERROR(added(registry->AddService(exchange::ServiceId{vote, "ballots"},
                                             "casting an encrypted ballot signed with the eID (POST)")));
  RETURN_IF_ERROR(added(registry->AddService(exchange::ServiceId{sign, "validate"},
                                             "verifies an ASiC-E container and records the validation")));
  RETURN_IF_ERROR(added(
      registry->AddService(exchange::ServiceId{sign, "validations"}, "a container's validation records, with proofs")));
  return added(registry->AddService(exchange::ServiceId{sign, "signing"},
                                    "a person signs a container in their app, with PIN2 (remote signing)"));
}

}  // namespace

Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file) {
  std::string central = dir + "/central";
  RETURN_IF_ERROR(MakePrivateDirectory(central));
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

// The first port of the kernel's range for ports it hands out itself (bind to port 0,
// outgoing connections): /proc/sys/net/ipv4/ip_local_port_range, or Linux's default.
int EphemeralLow() {
  int low = 32768, high = 60999;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (std::fscanf(f, "%d %d", &low, &high) != 2) low = 32768;
    std::fclose(f);
  }
  return low;
}

// Binds `port` on 127.0.0.1 (0: any); the socket and the port bound, or -1.
std::pair<int, int> BindLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {-1, 0};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return {-1, 0};
  }
  return {fd, ntohs(addr.sin_port)};
}

// Free ports, all distinct, each kept bound until every one is chosen. They are taken
// below the kernel's ephemeral range where there is room (from 10000 up), so no port the
// kernel hands to another socket meanwhile (a test's server on port 0, an outgoing
// connection) can be one of them before the roles bind it; otherwise from the kernel.
Result<std::vector<int>> FreePorts(size_t count) {
  std::vector<int> fds, ports;
  const int below = EphemeralLow() - 10000;  // ports 10000 .. below the range
  uint32_t seed = static_cast<uint32_t>(::getpid()) * 2654435761u ^ static_cast<uint32_t>(NowMicros());
  for (int tries = 0; ports.size() < count && below >= static_cast<int>(4 * count) && tries < 2000; ++tries) {
    seed = seed * 1664525u + 1013904223u;
    auto [fd, port] = BindLoopback(10000 + static_cast<int>((seed >> 8) % static_cast<uint32_t>(below)));
    if (fd < 0) continue;
    fds.push_back(fd);
    ports.push_back(port);
  }
  while (ports.size() < count) {
    auto [fd, port] = BindLoopback(0);
    if (fd < 0) break;
    fds.push_back(fd);
    ports.push_back(port);
  }
  for (int fd : fds) ::close(fd);
  if (ports.size() < count) return Unavailable("cannot find free ports on 127.0.0.1");
  return ports;
}

}  // namespace

std::string SigningClientSecretFile(const std::string& dir) { return dir + "/sign/signing-client.secret"; }

std::string ExchangeClientCertificate(const std::string& dir, const std::string& role) {
  return dir + "/" + node::RoleStoreName(role) + "/exchange";
}

Result<std::string> EnsureCertificate(CaAccess& ca, const std::string& data_dir, const std::string& base,
                                      trust::Profile profile, const std::string& name, const std::string& passphrase) {
  if (!std::filesystem::exists(base + ".pem") || !std::filesystem::exists(base + ".key")) {
    std::string parent = std::filesystem::path(base).parent_path().string();
    RETURN_IF_ERROR(MakePrivateDirectory(parent));
    ASSIGN_OR_RETURN(std::string org_chain, ReadFile(data_dir + "/trust/org-chain.pem"));
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
    trust::IssueRequest req;
    req.profile = profile;
    req.common_name = name;
    req.organization = "riik demo";
    if (profile == trust::Profile::kMemberAuth || profile == trust::Profile::kTlsServer) {
      req.dns_names = {"localhost"};
      req.ip_addresses = {"127.0.0.1"};
    }
    req.public_key = key.get();
    ASSIGN_OR_RETURN(trust::CertificateRecord rec, ca.Issue(req));
    ASSIGN_OR_RETURN(std::string key_pem,
                     passphrase.empty() ? PrivateKeyPem(key.get()) : EncryptedPrivateKeyPem(key.get(), passphrase));
    RETURN_IF_ERROR(WriteFileAtomic(base + ".key", key_pem, /*secret=*/true));
    RETURN_IF_ERROR(WriteFileAtomic(base + ".pem", rec.pem + org_chain, /*secret=*/false));
  }
  ASSIGN_OR_RETURN(std::string pem, ReadFile(base + ".pem"));
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificatePem(pem));
  return CertificateSha256Hex(cert.get());
}

Result<std::string> EnsureServerCertificates(CaAccess& ca, const std::string& dir, const std::string& passphrase,
                                             const std::string& name) {
  // The TLS key stays plain (0600): the TLS layer reads it at start; the signing key is
  // encrypted under the passphrase like the CA's.
  std::string data_dir = std::filesystem::path(dir).parent_path().string();
  RETURN_IF_ERROR(
      EnsureCertificate(ca, data_dir, dir + "/signing", trust::Profile::kMemberSigning, name, passphrase).status());
  return EnsureCertificate(ca, data_dir, dir + "/auth", trust::Profile::kMemberAuth, name, "");
}

Result<DemoExchangePorts> DemoExchangePorts::Pick(int port_base, size_t first_roles) {
  DemoExchangePorts p;
  p.first.resize(first_roles);
  p.registries.resize(registry::Registries().size());
  std::vector<int*> ports;
  for (int& port : p.first) ports.push_back(&port);
  ports.push_back(&p.central);
  for (Registry& r : p.registries) {
    for (int* port : {&r.registry, &r.consumer, &r.provider}) ports.push_back(port);
  }
  ports.push_back(&p.embassy);
  for (int* port : {&p.sign.registry, &p.sign.consumer, &p.sign.provider}) ports.push_back(port);
  for (int* port : {&p.auth, &p.rp_a, &p.rp_b, &p.portal}) ports.push_back(port);
  ports.push_back(&p.vote);
  std::vector<int> free;
  if (port_base == 0) {
    ASSIGN_OR_RETURN(free, FreePorts(ports.size()));
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    // With a base: the first roles at +0.., central at +3 and the rest after it.
    int offset = i < first_roles ? static_cast<int>(i) : 3 + static_cast<int>(i - first_roles);
    *ports[i] = port_base != 0 ? port_base + offset : free[i];
  }
  return p;
}

namespace {

// What every member's security server of the demo shares.
struct DemoSite {
  std::string dir;  // riik up's data directory
  std::string passphrase, passphrase_file;
  int central_port = 0;
};

// The security server "ss-SUBSYSTEM" of the member of `subsystem_id` in front of its
// backend (the information system whose certificate is `backend_cert`, serving
// `services` on port.registry): its certificates, its entry in the central registry, and
// its role.
// `clients`: the member's other subsystems, which only call through it (subsystem id ->
// the certificate each calls with).
Result<node::RoleConfig> MemberServer(CaAccess& ca, exchange::CentralRegistry& central, const DemoSite& site,
                                      const std::string& subsystem_id, const DemoExchangePorts::Registry& port,
                                      const std::string& backend_cert, const std::vector<std::string>& services,
                                      const std::map<std::string, std::string>& clients = {}) {
  ASSIGN_OR_RETURN(exchange::ClientId subsystem, exchange::ParseClientId(subsystem_id));
  std::vector<exchange::ClientId> hosted = {subsystem};
  for (const auto& [id, cert] : clients) {
    ASSIGN_OR_RETURN(exchange::ClientId client, exchange::ParseClientId(id));
    hosted.push_back(client);
  }
  std::string role_name = "ss-" + subsystem.subsystem;
  std::string ss_dir = site.dir + "/" + node::RoleStoreName(role_name);
  std::string server_id = subsystem.member.ToString() + "/ss1";
  auto local = [](int p) { return "127.0.0.1:" + std::to_string(p); };
  ASSIGN_OR_RETURN(std::string auth_sha256, EnsureServerCertificates(ca, ss_dir, site.passphrase, server_id));
  RETURN_IF_ERROR(central.PutServer(
      exchange::SecurityServer{subsystem.member, "ss1", "https://" + local(port.provider), auth_sha256, hosted}));
  node::RoleConfig ss{"exchange", role_name, {}, {}};
  ss.listen.port = static_cast<uint16_t>(port.consumer);
  ss.listen.tls = net::TlsServerConfig{ss_dir + "/auth.pem", ss_dir + "/auth.key", site.dir + "/trust/root.pem"};
  ss.settings = {{"server_id", server_id},
                 {"central_url", "http://" + local(site.central_port)},
                 {"anchor", site.dir + "/central/anchor.json"},
                 {"trust_root", site.dir + "/trust/root.pem"},
                 {"auth_cert", ss_dir + "/auth.pem"},
                 {"auth_key", ss_dir + "/auth.key"},
                 {"tls_cert", ss_dir + "/auth.pem"},
                 {"tls_key", ss_dir + "/auth.key"},
                 {"provider_listen", local(port.provider)},
                 {"signing_cert", ss_dir + "/signing.pem"},
                 {"signing_key", ss_dir + "/signing.key"},
                 {"key_passphrase_file", site.passphrase_file},
                 {"client_cert." + subsystem_id, backend_cert}};
  for (const auto& [id, cert] : clients) ss.settings["client_cert." + id] = cert;
  for (const std::string& service : services)
    ss.settings["backend." + subsystem_id + "/" + service] = "https://" + local(port.registry) + "/" + service;
  return ss;
}

}  // namespace

Result<std::vector<node::RoleConfig>> PrepareDemoExchange(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file,
                                                          const DemoExchangePorts& ports,
                                                          const DemoExchangeOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
  std::string passphrase = text.substr(0, text.find('\n'));
  auto local = [](int port) { return "127.0.0.1:" + std::to_string(port); };
  ASSIGN_OR_RETURN(auto central_store,
                   store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto central, exchange::CentralRegistry::Open(*central_store, "EE"));
  std::vector<node::RoleConfig> roles;
  std::map<std::string, std::string> server_roles;  // subsystem id -> its security server's role name
  for (size_t i = 0; i < registry::Registries().size(); ++i) {
    const registry::RegistryInfo& info = registry::Registries()[i];
    const DemoExchangePorts::Registry& port = ports.registries[i];
    std::string role_name = std::string("ss-") + info.name;
    std::string ss_dir = dir + "/" + node::RoleStoreName(role_name);
    // The registry signs its data tracker with the member's signing key, as its
    // security server signs the message log.
    // The registry (the member's information system) and its security server know each
    // other by certificate, both ways: the registry calls as its subsystem with tls.pem,
    // and answers only the server's auth certificate.
    std::string reg_dir = dir + "/" + node::RoleStoreName(std::string("registry-") + info.name);
    RETURN_IF_ERROR(
        EnsureCertificate(ca, dir, reg_dir + "/tls", trust::Profile::kMemberAuth, info.ClientId(), "").status());
    node::RoleConfig reg{"registry", std::string("registry-") + info.name, {}, {}};
    reg.listen.port = static_cast<uint16_t>(port.registry);
    reg.listen.tls = net::TlsServerConfig{reg_dir + "/tls.pem", reg_dir + "/tls.key", dir + "/trust/root.pem"};
    reg.settings = {{"registry", info.name},
                    {"population_count", std::to_string(options.population)},
                    {"population_seed", std::to_string(options.seed)},
                    {"demo_people", "true"},
                    {"exchange_url", "https://" + local(port.consumer)},
                    {"exchange_cert", ss_dir + "/auth.pem"},
                    {"signing_cert", ss_dir + "/signing.pem"},
                    {"signing_key", ss_dir + "/signing.key"},
                    {"key_passphrase_file", passphrase_file},
                    {"trust_root", dir + "/trust/root.pem"}};
    if (info.kind == registry::Kind::kTax)
      reg.settings["validation_service"] = std::string(kSignSubsystem) + "/validate";
    roles.push_back(std::move(reg));
    std::vector<std::string> services;
    for (const registry::ServiceInfo& service : info.services) services.push_back(service.code);
    ASSIGN_OR_RETURN(node::RoleConfig ss, MemberServer(ca, *central, {dir, passphrase, passphrase_file, ports.central},
                                                       info.ClientId(), port, reg_dir + "/tls.pem", services));
    ss.listen.threads = 2;
    server_roles[info.ClientId()] = role_name;
    roles.push_back(std::move(ss));
  }
  // The signature validation service: its role (the backend) and its security server.
  {
    std::string role_name = "ss-sign", ss_dir = dir + "/" + node::RoleStoreName(role_name);
    std::string sign_dir = dir + "/sign";
    RETURN_IF_ERROR(
        EnsureCertificate(ca, dir, sign_dir + "/tls", trust::Profile::kMemberAuth, kSignSubsystem, "").status());
    node::RoleConfig sign{"sign", "sign", {}, {}};
    sign.listen.port = static_cast<uint16_t>(ports.sign.registry);
    sign.listen.tls = net::TlsServerConfig{sign_dir + "/tls.pem", sign_dir + "/tls.key", dir + "/trust/root.pem"};
    sign.settings = {{"subsystem", kSignSubsystem},
                     {"exchange_cert", ss_dir + "/auth.pem"},
                     {"signing_cert", ss_dir + "/signing.pem"},
                     {"signing_key", ss_dir + "/signing.key"},
                     {"key_passphrase_file", passphrase_file},
                     {"trust_root", dir + "/trust/root.pem"},
                     {"eid_ca", dir + "/trust/eid.pem"},
                     // Remote signing: a client of the sign-in service's signing API.
                     {"signing_client_secret_file", SigningClientSecretFile(dir)},
                     {"auth_url", "https://" + local(ports.auth)},  // starts after this role
                     // The portal is one member asking for every citizen's signature.
                     {"max_signings", "256"},
                     {"max_signings_per_member", "256"},
                     {"workers", "1"}};
    roles.push_back(std::move(sign));
    std::map<std::string, std::string> clients;
    for (const ExchangeClientRole& c : kSignMemberClients) {
      std::string base = ExchangeClientCertificate(dir, c.role);
      RETURN_IF_ERROR(EnsureCertificate(ca, dir, base, trust::Profile::kMemberAuth, c.subsystem, "").status());
      clients[c.subsystem] = base + ".pem";
    }
    // The State Electoral Office's vote service is hosted on this security server too (as
    // the Information System Authority hosts security servers for agencies): it calls
    // through it (the roll) and is called through it (the portal's voters).
    const std::string vote_dir = dir + "/" + node::RoleStoreName("vote");
    RETURN_IF_ERROR(
        EnsureCertificate(ca, dir, vote_dir + "/tls", trust::Profile::kMemberAuth, kVoteSubsystem, "").status());
    clients[kVoteSubsystem] = vote_dir + "/tls.pem";
    ASSIGN_OR_RETURN(node::RoleConfig ss,
                     MemberServer(ca, *central, {dir, passphrase, passphrase_file, ports.central}, kSignSubsystem,
                                  ports.sign, sign_dir + "/tls.pem", {"validate", "validations", "signing"}, clients));
    // Its clients include the citizen portal, which asks seven services for every person
    // who opens "My data": room for a hundred people at once (docs/portal.md).
    ss.settings["client_max_in_flight"] = "1024";
    ss.settings["client_rate_per_s"] = "20000";
    ss.settings["client_burst"] = "4000";
    for (const char* service : {"election", "ballots"}) {
      ss.settings[std::string("backend.") + kVoteSubsystem + "/" + service] =
          "https://" + local(ports.vote) + "/" + service;
    }
    server_roles[kSignSubsystem] = role_name;
    server_roles[kVoteSubsystem] = role_name;
    roles.push_back(std::move(ss));
    // The vote service itself: the board signed with the Office's own signing key, which
    // the demo election's manifest pins; the pseudonym secret made now, so that the vault
    // holds it from the node's start (a restore needs it).
    RETURN_IF_ERROR(
        EnsureCertificate(ca, dir, vote_dir + "/signing", trust::Profile::kMemberSigning, kVoteSubsystem, passphrase)
            .status());
    RETURN_IF_ERROR(PrepareDemoElection(dir + "/election", dir + "/trustees", vote_dir + "/signing.pem", options.polls,
                                        options.paper_vote_officials));
    RETURN_IF_ERROR(vote::LoadOrMakePseudonymSecret(vote_dir + "/pseudonym.key").status());
    node::RoleConfig vote{"vote", "vote", {}, {}};
    vote.listen.port = static_cast<uint16_t>(ports.vote);
    vote.listen.tls = net::TlsServerConfig{vote_dir + "/tls.pem", vote_dir + "/tls.key", dir + "/trust/root.pem"};
    vote.settings = {{"subsystem", kVoteSubsystem},
                     {"election_dir", dir + "/election"},
                     {"exchange_url", "https://" + local(ports.sign.consumer)},
                     {"exchange_cert", ss_dir + "/auth.pem"},
                     {"signing_cert", vote_dir + "/signing.pem"},
                     {"signing_key", vote_dir + "/signing.key"},
                     {"key_passphrase_file", passphrase_file},
                     {"trust_root", dir + "/trust/root.pem"},
                     {"max_waiting", std::to_string(options.ballot_queue)}};
    roles.push_back(std::move(vote));
  }
  // The grants live in the providers' security servers' stores.
  for (const DemoGrant& g : kDemoGrants) {
    ASSIGN_OR_RETURN(exchange::ServiceId service, exchange::ParseServiceId(g.service));
    ASSIGN_OR_RETURN(exchange::ClientId client, exchange::ParseClientId(g.client));
    std::string store_name = node::RoleStoreName(server_roles.at(service.provider.ToString()));
    ASSIGN_OR_RETURN(auto ss_store,
                     store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, store_name), store_name}));
    ASSIGN_OR_RETURN(auto rights, exchange::AccessRights::Open(*ss_store));
    bool granted = false;
    for (const auto& existing : rights->List(&service)) {
      granted = granted || (existing.client == client && existing.method == g.method);
    }
    if (!granted) RETURN_IF_ERROR(rights->Grant(exchange::AccessGrant{service, client, g.method, "", 0}));
  }
  return roles;
}

}  // namespace riik::cli
