// Two members' security servers (role exchange), each in its own Node on loopback, with
// a test CA and TSA, a central authority whose signed global configuration the test
// writes, and a backend: a granted call goes end to end with every X-Road header and is
// logged by both servers with evidence that verifies offline; every refusal carries its
// own X-Road error type; an expired or forged configuration is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/encoding.h"
#include "core/file.h"
#include "core/metrics.h"
#include "crypto/x509.h"
#include "exchange/evidence.h"
#include "exchange/global_conf.h"
#include "exchange/log_fixture.h"
#include "exchange/message_log.h"
#include "exchange/message_record.h"
#include "net/client.h"
#include "net/server.h"
#include "node/node.h"
#include "transparency/stored_log.h"
#include "transparency/verify.h"
#include "trust/ocsp_responder.h"

namespace riik::exchange {
namespace {

constexpr const char* kTaxServer = "EE/GOV/70000310/ss1";
constexpr const char* kPopulationServer = "EE/GOV/70000001/ss1";
constexpr const char* kTaxClient = "EE/GOV/70000310/tax";
constexpr const char* kPersonService = "EE/GOV/70000001/population/person";
// A second client on the tax board's server, and a service that answers after a second:
// the flood test's ingredients.
constexpr const char* kCustomsClient = "EE/GOV/70000310/customs";
constexpr const char* kSlowService = "EE/GOV/70000001/population/slow";

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }

bool WaitFor(const std::function<bool()>& done, int ms = 10000) {
  for (int waited = 0; waited < ms; waited += 20) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// One member's security server: its certificates and keys as PEM files, and its Node.
struct Member {
  std::string server_id, role, dir;
  std::string auth_sha256;
  std::map<std::string, std::string> backends;
  std::unique_ptr<node::Node> node;
  std::string consumer_url, provider_url;
};

// LogTest gives the CA and the TSA (its own log is not used).
class SecurityServerTest : public LogTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LogTest::SetUp());
    StartTsa();
    StartCentral();
    StartBackend();
    StartSlowBackend();
  }

  void TearDown() override {
    for (Member* m : {&tax_, &population_}) m->node.reset();
    LogTest::TearDown();
  }

  // The TSA and the OCSP responder (for the members' certificates) on one listener.
  void StartTsa() {
    auto ocsp = trust::OcspResponder::Create(*ca_);
    ASSERT_TRUE(ocsp.ok()) << ocsp.status().ToString();
    ocsp_ = std::move(*ocsp);
    net::Router router;
    router.Add("POST", "/tsa", [this](const net::HttpRequest& req) {
      return net::TextResponse(tsa_->Respond(req.body), "application/timestamp-reply");
    });
    router.Add("POST", "/ocsp", [this](const net::HttpRequest& req) {
      return net::TextResponse(ocsp_->Respond(req.body), "application/ocsp-response");
    });
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    tsa_server_ = std::move(*server);
  }

  // The central authority: a P-256 key of its own, the anchor, and GET /globalconf
  // signing whatever the test's state says.
  void StartCentral() {
    central_key_ = std::move(*GenerateEcKey("P-256"));
    CertificateSpec spec;
    spec.subject = {{"C", "EE"}, {"CN", "EE central authority (test)"}};
    spec.not_after = NowMicros() + 86400'000'000LL;
    central_cert_ = std::move(*IssueCertificate(spec, central_key_.get(), nullptr, nullptr));
    WriteText(dir_ / "anchor.json", TrustAnchor{"EE", {CertificatePem(central_cert_.get())}}.ToJson());
    net::Router router;
    router.Add("GET", "/globalconf", [this](const net::HttpRequest&) {
      std::lock_guard lock(central_mu_);
      GlobalConf conf = Conf();
      UniquePtr<EVP_PKEY> forger;
      UniquePtr<X509> forged;
      EVP_PKEY* key = central_key_.get();
      X509* cert = central_cert_.get();
      if (central_mode_ == CentralMode::kExpired) conf.expires_at = NowMicros() - 1'000'000;
      if (central_mode_ == CentralMode::kForged) {
        forger = std::move(*GenerateEcKey("P-256"));
        CertificateSpec s;
        s.subject = {{"C", "EE"}, {"CN", "EE central authority (test)"}};
        s.not_after = NowMicros() + 86400'000'000LL;
        forged = std::move(*IssueCertificate(s, forger.get(), nullptr, nullptr));
        key = forger.get();
        cert = forged.get();
      }
      auto doc = SignGlobalConf(conf, key, cert);
      return doc.ok() ? net::TextResponse(*doc, "application/json") : net::ErrorResponse(doc.status());
    });
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    central_ = std::move(*server);
  }

  // The population register's backend, under /api: echoes the X-Road headers it got.
  void StartBackend() {
    net::Router router;
    router.Add("GET", "/api/persons/{code}", [](const net::HttpRequest& req) {
      if (req.Param("code") == "missing") return net::JsonError(404, "not_found", "no such person");
      Json seen = Json::object();
      for (const auto& [name, value] : req.headers.fields()) {
        if (name.size() > 7 && strncasecmp(name.c_str(), "x-road-", 7) == 0) seen[name] = value;
      }
      net::HttpResponse r = net::JsonResponse(Json{{"code", req.Param("code")}, {"query", req.query}, {"seen", seen}});
      r.headers.Add("X-Backend", "population");
      r.headers.Add("X-Road-Request-Hash", "forged by the backend");
      return r;
    });
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    backend_ = std::move(*server);
  }

  // A backend that takes a second per answer (its own threads, so the other backend
  // is not held up by it).
  void StartSlowBackend() {
    net::Router router;
    router.AddAsync("GET", "/slow", [](net::HttpRequest&&, net::Responder respond) {
      std::thread([r = std::make_shared<net::Responder>(std::move(respond))] {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        (*r)(net::JsonResponse(Json{{"slow", true}}));
      }).detach();
    });
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    slow_backend_ = std::move(*server);
  }

  GlobalConf Conf() const {
    GlobalConf c;
    c.instance = "EE";
    c.version = conf_version_;
    c.generated_at = NowMicros();
    c.expires_at = c.generated_at + conf_validity_us_;
    c.members = {{*ParseMemberId("EE/GOV/70000001"), "Population Register", {"population"}},
                 {*ParseMemberId("EE/GOV/70000310"), "Tax and Customs Board", {"tax", "customs"}},
                 {*ParseMemberId("EE/GOV/70000009"), "A member whose server is down", {"dead"}}};
    c.servers = {{*ParseMemberId("EE/GOV/70000310"),
                  "ss1",
                  tax_.provider_url,
                  tax_.auth_sha256,
                  {*ParseClientId(kTaxClient), *ParseClientId(kCustomsClient)}},
                 {*ParseMemberId("EE/GOV/70000001"),
                  "ss1",
                  population_at_tax_address_ ? tax_.provider_url : population_.provider_url,
                  population_.auth_sha256,
                  {*ParseClientId("EE/GOV/70000001/population")}},
                 {*ParseMemberId("EE/GOV/70000009"),
                  "ss1",
                  "https://127.0.0.1:1",
                  std::string(64, '0'),
                  {*ParseClientId("EE/GOV/70000009/dead")}}};
    for (const char* s : {kPersonService, kSlowService, "EE/GOV/70000001/population/down", "EE/GOV/70000009/dead/x"}) {
      c.services.push_back({*ParseServiceId(s), s});
    }
    c.tsa_url = tsa_server_->url() + "/tsa";
    if (!conf_without_ocsp_) c.ocsp_url = tsa_server_->url() + "/ocsp";
    return c;
  }

  // Issues one certificate of `profile` and writes its chain (leaf, organisations CA)
  // and key; returns the leaf's DER SHA-256 (hex).
  std::string IssueFiles(trust::Profile profile, const std::string& cn, const std::string& base) {
    auto key = GenerateEcKey("P-256");
    EXPECT_TRUE(key.ok());
    trust::IssueRequest req;
    req.profile = profile;
    req.common_name = cn;
    if (profile == trust::Profile::kMemberAuth) req.ip_addresses = {"127.0.0.1"};
    req.public_key = key->get();
    auto rec = ca_->Issue(req);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    WriteText(base + ".pem", rec->pem + CertificatePem(ca_->org_certificate()));
    EXPECT_TRUE(WriteFileAtomic(base + ".key", *PrivateKeyPem(key->get()), /*secret=*/true).ok());
    return CertificateSha256Hex(ParseCertificatePem(rec->pem)->get());
  }

  void PrepareMember(Member& m, const std::string& server_id, const std::string& role) {
    m.server_id = server_id;
    m.role = role;
    m.dir = dir_ / role;
    std::filesystem::create_directories(m.dir);
    // One authentication certificate: the provider listener's server certificate and the
    // client certificate to other servers, pinned both ways by the configuration.
    m.auth_sha256 = IssueFiles(trust::Profile::kMemberAuth, server_id + " auth", m.dir + "/auth");
    IssueFiles(trust::Profile::kMemberSigning, server_id + " signing", m.dir + "/sign");
  }

  // The member's node: its security server with the test's settings and `extra`.
  node::NodeConfig MemberConfig(const Member& m, const std::map<std::string, std::string>& extra) {
    node::RoleConfig role;
    role.kind = "exchange";
    role.name = m.role;
    role.settings = {{"server_id", m.server_id},
                     {"central_url", central_->url()},
                     {"anchor", dir_ / "anchor.json"},
                     {"conf_refresh_s", "1"},
                     {"trust_root", ca_->RootPemPath()},
                     {"auth_cert", m.dir + "/auth.pem"},
                     {"auth_key", m.dir + "/auth.key"},
                     {"tls_cert", m.dir + "/auth.pem"},
                     {"tls_key", m.dir + "/auth.key"},
                     {"provider_listen", "127.0.0.1:0"},
                     {"signing_cert", m.dir + "/sign.pem"},
                     {"signing_key", m.dir + "/sign.key"},
                     {"client_max_in_flight", "4"},
                     // The test's information systems call over plain HTTP (development);
                     // e2e/security_test.sh covers certificates (X-Road's SSLAUTH).
                     {"plain_http_clients", std::string(kTaxClient) + "," + kCustomsClient +
                                                ",EE/GOV/70000001/population,EE/GOV/70000009/dead"}};
    for (auto& [k, v] : extra) role.settings[k] = v;
    node::NodeConfig config;
    config.data_dir = m.dir + "/data";
    config.roles = {role};
    return config;
  }

  void StartMember(Member& m, std::map<std::string, std::string> extra = {}) {
    auto node = node::Node::Start(MemberConfig(m, extra));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    m.node = std::move(*node);
    m.consumer_url = m.node->roles()[0].url;
    auto status = Admin(m, "/admin/status", Json::object());
    ASSERT_TRUE(status.ok()) << status.status().ToString();
    m.provider_url = (*status)["provider_url"].get<std::string>();
  }

  Result<Json> Admin(const Member& m, const std::string& path, const Json& body) {
    std::ifstream in(m.dir + "/data/" + m.role + "/admin-token");
    std::string token;
    std::getline(in, token);
    net::Headers h;
    h.Add("Authorization", "Bearer " + token);
    h.Add("Content-Type", "application/json");
    ASSIGN_OR_RETURN(net::HttpResponse resp, net::Fetch("POST", m.consumer_url + path, h, body.dump()));
    if (resp.status != 200) return Internal("admin " + path + ": " + std::to_string(resp.status) + " " + resp.body);
    return ParseJson(resp.body);
  }

  // Both servers up, and both using a configuration that has their provider addresses.
  void StartBoth(std::map<std::string, std::string> tax_extra = {}) {
    PrepareMember(tax_, kTaxServer, "ss_tax");
    PrepareMember(population_, kPopulationServer, "ss_population");
    population_.backends = {{"backend.EE/GOV/70000001/population/person", backend_->url() + "/api"},
                            {std::string("backend.") + kSlowService, slow_backend_->url() + "/slow"},
                            {"backend.EE/GOV/70000001/population/down", "http://127.0.0.1:1"}};
    ASSERT_NO_FATAL_FAILURE(StartMember(tax_, tax_extra));
    ASSERT_NO_FATAL_FAILURE(StartMember(population_, population_.backends));
    {
      std::lock_guard lock(central_mu_);
      conf_version_ = 2;  // now with the provider addresses
    }
    for (Member* m : {&tax_, &population_}) {
      ASSERT_TRUE(WaitFor([&] {
        auto s = Admin(*m, "/admin/status", Json::object());
        return s.ok() && (*s)["conf"]["version"] == 2;
      })) << m->server_id
          << " did not load configuration version 2";
    }
  }

  Status Grant(const Json& grant) { return Admin(population_, "/admin/grant", grant).status(); }

  // Both servers up, a call granted and answered; then the central authority publishes
  // configuration version 3 changed by `change` (under central_mu_), and `servers` load it.
  // Returns the call's target.
  std::string CallThenChangeConf(const std::function<void()>& change, std::initializer_list<Member*> servers) {
    const std::string target = "/r1/EE/GOV/70000001/population/person/persons/38001085718";
    EXPECT_NO_FATAL_FAILURE(StartBoth());
    EXPECT_TRUE(Grant({{"service", kPersonService}, {"client", kTaxClient}}).ok());
    EXPECT_EQ(Call("GET", target, ClientHeaders()).status, 200);
    {
      std::lock_guard lock(central_mu_);
      change();
      conf_version_ = 3;
    }
    for (Member* m : servers) {
      EXPECT_TRUE(WaitFor([&] {
        auto s = Admin(*m, "/admin/status", Json::object());
        return s.ok() && (*s)["conf"]["version"] == 3;
      })) << m->server_id
          << " did not load configuration version 3";
    }
    return target;
  }

  net::HttpResponse Call(const std::string& method, const std::string& target, net::Headers headers,
                         std::string body = "") {
    auto resp = net::Fetch(method, tax_.consumer_url + target, headers, std::move(body));
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? *resp : net::HttpResponse{};
  }

  static net::Headers ClientHeaders(const std::string& client = kTaxClient) {
    net::Headers h;
    h.Add("X-Road-Client", client);
    return h;
  }

  static std::string ErrorType(const net::HttpResponse& r) {
    auto body = ParseJson(r.body);
    EXPECT_TRUE(body.ok()) << r.body;
    EXPECT_EQ(body.ok() ? body->value("type", "") : "", std::string(r.headers.Get("X-Road-Error")))
        << "the body's type and the X-Road-Error header differ";
    return std::string(r.headers.Get("X-Road-Error"));
  }

  uint64_t RefreshFailures(const std::string& server_id) {
    return Metrics().GetCounter("riik_exchange_globalconf_refresh_failures_total", "", {{"server", server_id}}).value();
  }

  enum class CentralMode { kFresh, kExpired, kForged };

  std::unique_ptr<trust::OcspResponder> ocsp_;
  std::unique_ptr<net::HttpServer> tsa_server_, central_, backend_, slow_backend_;
  UniquePtr<EVP_PKEY> central_key_;
  UniquePtr<X509> central_cert_;
  std::mutex central_mu_;
  int64_t conf_version_ = 1;
  int64_t conf_validity_us_ = 600'000'000;
  CentralMode central_mode_ = CentralMode::kFresh;
  // The configuration names the tax server's provider address for the population server
  // (a misregistration, or an attacker redirecting it to another member's server).
  bool population_at_tax_address_ = false;
  bool conf_without_ocsp_ = false;  // a central authority that names no OCSP responder
  Member tax_, population_;
};

TEST_F(SecurityServerTest, GrantedCallGoesEndToEndAndBothLogsHoldVerifiableEvidence) {
  ASSERT_NO_FATAL_FAILURE(StartBoth());
  ASSERT_TRUE(
      Grant({{"service", kPersonService}, {"client", kTaxClient}, {"method", "get"}, {"path", "/persons"}}).ok());

  net::Headers h = ClientHeaders();
  h.Add("X-Road-Id", "tax-return-2026-0001");
  h.Add("X-Road-UserId", "EE38001085718");
  h.Add("X-Road-Issue", "tax return 2026");
  h.Add("X-Road-Represented-Party", "EE/COM/10060701");
  h.Add("Accept", "application/json");
  net::HttpResponse r = Call("GET", "/r1/EE/GOV/70000001/population/person/persons/38001085718?fields=name", h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.headers.Has("X-Road-Error"));
  EXPECT_EQ(r.headers.Get("X-Road-Client"), kTaxClient);
  EXPECT_EQ(r.headers.Get("X-Road-Service"), kPersonService);
  EXPECT_EQ(r.headers.Get("X-Road-Id"), "tax-return-2026-0001");
  EXPECT_EQ(r.headers.Get("X-Road-Request-Id").size(), 36u);  // a UUID
  auto hash = Base64Decode(r.headers.Get("X-Road-Request-Hash"));
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->size(), 64u);  // SHA-512, not the backend's forged value
  EXPECT_EQ(r.headers.Get("X-Backend"), "population");
  EXPECT_EQ(r.content_type, "application/json");
  auto body = ParseJson(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ((*body)["code"], "38001085718");
  EXPECT_EQ((*body)["query"], "fields=name");
  const Json& seen = (*body)["seen"];
  auto header = [&](const char* name) {
    for (const auto& [k, v] : seen.items()) {
      if (strcasecmp(k.c_str(), name) == 0) return v.get<std::string>();
    }
    return std::string();
  };
  EXPECT_EQ(header("X-Road-Client"), kTaxClient);
  EXPECT_EQ(header("X-Road-Service"), kPersonService);
  EXPECT_EQ(header("X-Road-Id"), "tax-return-2026-0001");
  EXPECT_EQ(header("X-Road-UserId"), "EE38001085718");
  EXPECT_EQ(header("X-Road-Issue"), "tax return 2026");
  EXPECT_EQ(header("X-Road-Represented-Party"), "EE/COM/10060701");
  EXPECT_EQ(header("X-Road-Request-Id"), r.headers.Get("X-Road-Request-Id"));

  // The provider's own 404 comes back untouched, with the X-Road headers and no X-Road-Error.
  net::HttpResponse missing = Call("GET", "/r1/EE/GOV/70000001/population/person/persons/missing", ClientHeaders());
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.headers.Has("X-Road-Error"));
  EXPECT_EQ(ParseJson(missing.body)->value("message", ""), "no such person");
  EXPECT_EQ(missing.headers.Get("X-Road-Id").size(), 36u);  // generated by the consumer's server

  // Both logs hold the request and the response under the same X-Road-Id, and the
  // evidence each exports verifies offline against the state root.
  for (Member* m : {&tax_, &population_}) {
    ASSERT_TRUE(WaitFor([&] {
      auto s = Admin(*m, "/admin/status", Json::object());
      return s.ok() && (*s)["log"]["awaiting_head"] == 0 && (*s)["log"]["pending_timestamps"] == 0;
    })) << m->server_id
        << ": records not yet under a timestamped tree head";
    store::StoreOptions so{node::DefaultStoreUrl(m->dir + "/data", m->role), m->role};
    so.read_only = true;
    auto store = store::Store::Open(so);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(*transparency::StoredLogIds(**store), std::vector<std::string>{m->server_id});
    auto evidence = EvidenceFromStore(**store, m->server_id, "tax-return-2026-0001");
    ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
    auto text = CanonicalJson(*evidence);
    ASSERT_TRUE(text.ok());
    auto verified = CheckEvidence(*text, ca_->root_certificate());
    ASSERT_TRUE(verified.ok()) << m->server_id << ": " << verified.status().ToString();
    ASSERT_EQ(verified->entries.size(), 2u);
    EXPECT_EQ(verified->entries[0].direction, "request");
    EXPECT_EQ(verified->entries[1].direction, "response");
    EXPECT_EQ(verified->log_id, m->server_id);
    EXPECT_TRUE(transparency::VerifyLog(**store, m->server_id, ca_->root_certificate(), CheckMessageLeaf).ok());
  }
}

TEST_F(SecurityServerTest, EachRefusalHasItsOwnXRoadErrorType) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({{"max_body_bytes", "1000"}}));
  ASSERT_TRUE(Grant({{"service", kPersonService}, {"client", kTaxClient}, {"method", "GET"}}).ok());
  ASSERT_TRUE(Grant({{"service", "EE/GOV/70000001/population/down"}, {"client", kTaxClient}}).ok());
  const std::string person = "/r1/EE/GOV/70000001/population/person/persons/38001085718";

  net::HttpResponse r = Call("GET", person, {});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorType(r), "Client.MissingHeader");
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(ParseJson(r.body)->value("detail", "").size(), 36u);  // the generated X-Road-Id

  r = Call("GET", person, ClientHeaders("EE/GOV"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorType(r), "Client.BadRequest");

  r = Call("GET", "/r1/EE/GOV/70000001/population", ClientHeaders());
  EXPECT_EQ(ErrorType(r), "Client.BadRequest");

  r = Call("GET", "/r1/EE/GOV/70000001/population/person/persons/%2e%2e/admin", ClientHeaders());
  EXPECT_EQ(ErrorType(r), "Client.BadRequest");

  r = Call("GET", person, ClientHeaders("EE/GOV/70000001/population"));  // not a client of this server
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorType(r), "Server.ClientProxy.UnknownMember");

  r = Call("GET", "/r1/EE/GOV/70000001/population/nope", ClientHeaders());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorType(r), "Server.ClientProxy.UnknownService");

  r = Call("POST", person, ClientHeaders(), std::string(1500, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(ErrorType(r), "Client.MessageTooLarge");

  net::Headers with_id = ClientHeaders();
  with_id.Add("X-Road-Id", "denied-1");
  r = Call("POST", person, with_id, "{}");  // the grant is for GET only
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorType(r), "Server.ServerProxy.AccessDenied");
  EXPECT_EQ(ParseJson(r.body)->value("detail", ""), "denied-1");

  r = Call("GET", "/r1/EE/GOV/70000009/dead/x", ClientHeaders());
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(ErrorType(r), "Server.ClientProxy.NetworkError");

  r = Call("GET", "/r1/EE/GOV/70000001/population/down/anything", ClientHeaders());
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(ErrorType(r), "Server.ServerProxy.ServiceFailed");

  // And the granted call still works.
  r = Call("GET", person, ClientHeaders());
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SecurityServerTest, ExpiredOrForgedConfigurationIsRefusedAndTheLastGoodOneLapses) {
  conf_validity_us_ = 4'000'000;
  ASSERT_NO_FATAL_FAILURE(StartBoth());
  ASSERT_TRUE(Grant({{"service", kPersonService}, {"client", kTaxClient}}).ok());
  const std::string person = "/r1/EE/GOV/70000001/population/person/persons/38001085718";
  ASSERT_EQ(Call("GET", person, ClientHeaders()).status, 200);

  uint64_t failures = RefreshFailures(kTaxServer);
  {
    std::lock_guard lock(central_mu_);
    central_mode_ = CentralMode::kForged;
  }
  EXPECT_TRUE(WaitFor([&] { return RefreshFailures(kTaxServer) > failures; }, 3000));
  EXPECT_EQ(Call("GET", person, ClientHeaders()).status, 200);  // the last good one is still in force
  {
    std::lock_guard lock(central_mu_);
    central_mode_ = CentralMode::kExpired;
  }
  failures = RefreshFailures(kTaxServer);
  EXPECT_TRUE(WaitFor([&] { return RefreshFailures(kTaxServer) > failures; }, 3000));

  net::HttpResponse r;
  EXPECT_TRUE(WaitFor(
      [&] {
        r = Call("GET", person, ClientHeaders());
        return r.status == 503;
      },
      6000));
  EXPECT_EQ(ErrorType(r), "Server.ClientProxy.OutdatedGlobalConf");
  EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
  EXPECT_NE(Metrics().Render().find("riik_exchange_globalconf_expires_at_seconds{server=\"EE/GOV/70000310/ss1\"}"),
            std::string::npos);
}

// Estonia 2007: one client subsystem floods its security server with slow calls; the
// per-client in-flight cap (4 here) refuses its excess (429), so what one client holds
// under way (connections to the provider, log batches) is bounded, and another
// client's call still answers at once.
TEST_F(SecurityServerTest, AFloodFromOneClientDoesNotStarveAnother) {
  ASSERT_NO_FATAL_FAILURE(StartBoth());
  ASSERT_TRUE(Grant({{"service", kPersonService}, {"client", kTaxClient}}).ok());
  ASSERT_TRUE(Grant({{"service", kSlowService}, {"client", kCustomsClient}}).ok());
  std::atomic<int> answered{0}, refused{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 40; ++i) {
    flood.emplace_back([&] {
      auto r = net::Fetch("GET", tax_.consumer_url + "/r1/" + kSlowService, ClientHeaders(kCustomsClient));
      if (r.ok() && r->status == 200) ++answered;
      // Refused before it was relayed, saying when to come back: the caller may send it again.
      if (r.ok() && r->status == 429 && r->headers.Get("X-Road-Error") == "Server.ClientProxy.TooManyRequests" &&
          r->headers.Get("Retry-After") == "1") {
        ++refused;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the flood is under way
  auto start = std::chrono::steady_clock::now();
  net::HttpResponse r = Call("GET", "/r1/EE/GOV/70000001/population/person/persons/38001085718", ClientHeaders());
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200) << r.body;
  // Behind the flood it would wait ~5 s (measured); the bound leaves room for slow CI.
  EXPECT_LT(waited, std::chrono::seconds(2)) << "the other client waited behind the flood";
  for (auto& t : flood) t.join();
  EXPECT_GT(refused.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(answered + refused, 40);
}

// Every server's certificate is registered, but the consumer must find at an address the
// certificate registered for that very address: another member's server answering there
// is refused, not trusted because it is some member's.
TEST_F(SecurityServerTest, AProviderAddressAnsweredWithAnotherServersCertificateIsRefused) {
  const std::string target = CallThenChangeConf([&] { population_at_tax_address_ = true; }, {&tax_});
  ASSERT_FALSE(HasFailure());
  net::HttpResponse r = Call("GET", target, ClientHeaders());
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(ErrorType(r), "Server.ClientProxy.SslAuthenticationFailed");
  EXPECT_NE(r.body.find(kTaxServer + std::string("'s (registered at ")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(std::string("not ") + kPopulationServer + "'s"), std::string::npos) << r.body;
}

// Peers' certificates are checked with OCSP; a configuration that names no responder
// leaves their status unknown, and the check fails closed instead of being skipped.
TEST_F(SecurityServerTest, WithoutAnOcspResponderInTheConfigurationNoPeerIsTrusted) {
  const std::string target = CallThenChangeConf([&] { conf_without_ocsp_ = true; }, {&tax_, &population_});
  ASSERT_FALSE(HasFailure());
  // Whichever side looks first refuses: the provider (403, the consumer's certificate on a
  // connection kept alive) or the consumer (502, the provider's, on a new one).
  net::HttpResponse r = Call("GET", target, ClientHeaders());
  EXPECT_TRUE(r.status == 403 || r.status == 502) << r.body;
  EXPECT_TRUE(ErrorType(r).ends_with("Proxy.SslAuthenticationFailed")) << r.body;
  EXPECT_NE(r.body.find("names no OCSP responder"), std::string::npos) << r.body;
}

// Every message is logged: the one spelling that relays without logging exists for
// exchange_bench's comparison alone, and any other value stops the server from starting
// rather than being read as a wish to log less.
TEST_F(SecurityServerTest, TheMessageLogCannotBeSwitchedOffByAnyOtherSpelling) {
  PrepareMember(tax_, kTaxServer, "ss_tax");
  for (std::string value : {"off", "false", "0", "no", "OFF-FOR-BENCHMARK-ONLY", ""}) {
    auto node = node::Node::Start(MemberConfig(tax_, {{"message_log", value}}));
    ASSERT_FALSE(node.ok()) << "message_log = '" << value << "' was accepted";
    EXPECT_NE(node.status().message().find("message_log must be \"on\""), std::string::npos)
        << node.status().ToString();
  }
}

}  // namespace
}  // namespace riik::exchange
