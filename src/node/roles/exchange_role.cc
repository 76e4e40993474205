// The exchange role's wiring: settings, keys, the message log, the provider listener
// and the admin API around a SecurityProxy.
#include "node/roles/exchange_role.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/admission.h"
#include "exchange/ocsp_cache.h"
#include "exchange/security_proxy.h"
#include "exchange/xroad_error.h"
#include "net/server.h"
#include "net/url.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "trust/http_timestamper.h"

namespace riik::node {
namespace {

using exchange::SecurityProxy;

constexpr size_t kDefaultMaxBody = 4 << 20;
constexpr int64_t kDefaultLogHeadIntervalMs = 100;

// The member's information systems, as the consumer side knows them.
struct ConsumerClients {
  std::map<std::string, std::set<std::string>> pins;  // subsystem id -> its certificates' SHA-256
  std::set<std::string> all_pins;
  std::set<std::string> plain;  // subsystems allowed over plain HTTP

  // OK if the call as `client` came over TLS with one of its certificates, or over plain
  // HTTP for a subsystem allowed there; PermissionDenied saying which it was otherwise.
  Status Authenticate(const std::string& client, const net::HttpRequest& req) const {
    if (!req.tls) {
      if (plain.count(client)) return OkStatus();
      return PermissionDenied("subsystem " + client +
                              " must call over HTTPS with its own certificate; this security server takes plain "
                              "HTTP only from the subsystems its plain_http_clients names (development)");
    }
    auto it = pins.find(client);
    if (it == pins.end()) {
      return PermissionDenied("no certificate is registered at this security server for subsystem " + client);
    }
    return CheckPinned(it->second, req.peer_cert.get(), "only the information system of " + client);
  }
};

Result<ConsumerClients> ReadConsumerClients(const RoleConfig& role) {
  ConsumerClients c;
  for (const auto& [key, value] : role.settings) {
    if (!key.starts_with("client_cert.")) continue;
    ASSIGN_OR_RETURN(exchange::ClientId id, exchange::ParseClientId(key.substr(12)));
    ASSIGN_OR_RETURN(c.pins[id.ToString()], ReadPins(role.List(key)));
    c.all_pins.insert(c.pins[id.ToString()].begin(), c.pins[id.ToString()].end());
  }
  for (const std::string& text : role.List("plain_http_clients")) {
    ASSIGN_OR_RETURN(exchange::ClientId id, exchange::ParseClientId(text));
    c.plain.insert(id.ToString());
  }
  if (role.listen.tls && !c.pins.empty() && role.listen.tls->client_ca_file.empty()) {
    return InvalidArgument("client_cert.* needs tls.client_ca on the listener (the state root)");
  }
  return c;
}

class ExchangeService : public RoleService {
 public:
  ~ExchangeService() override {
    if (provider_) provider_->Stop();  // no call may reach the proxy once it goes
    // The proxy's last log callbacks post to the provider listener's event loop: the
    // loop must still exist (stopped) while the proxy goes.
    proxy_.reset();
    provider_.reset();
  }

  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  void StopListening() override {
    if (provider_) provider_->Stop();
  }
  std::vector<std::string> stores() const override { return {store_}; }
  ListenerPolicy listener_policy() const override {
    ListenerPolicy policy;
    policy.verify_client = [pins = clients.all_pins](X509* leaf) {
      return CheckPinned(pins, leaf, "only the information systems registered here (client_cert.*)");
    };
    policy.client_cert_optional = true;  // operators, with the admin token
    return policy;
  }

  ConsumerClients clients;

  SecurityProxy* proxy() { return ready_ ? proxy_.get() : nullptr; }
  std::string NotReady() const override { return ready_ ? "" : "the security server is starting"; }
  exchange::Admission& admission() { return *admission_; }
  Json StatusJson() const;

  std::shared_ptr<AdminApi> admin = std::make_shared<AdminApi>();

 private:
  Status StartProxy(Node& node, const RoleConfig& role);
  // A peer security server's certificate: registered in the configuration in force and,
  // if the configuration names an OCSP responder, not revoked. `expected`: on the
  // consumer side the id of the provider's server it called (reached at `address`):
  // the certificate must be that server's own; empty on the provider side, where any
  // registered server may call.
  Status CheckPeer(exchange::ConfClient& conf, X509* leaf, const std::string& expected = "",
                   const std::string& address = "");
  Status StartProviderListener(Node& node, const RoleConfig& role, const std::string& trust_root);

  std::string store_;
  std::string consumer_url_;
  std::unique_ptr<SecurityProxy> proxy_;
  std::unique_ptr<exchange::Admission> admission_;
  std::unique_ptr<exchange::OcspCache> ocsp_;
  UniquePtr<X509> peer_issuer_;  // the organisations CA, which issues every member's auth certificate
  std::unique_ptr<net::HttpServer> provider_;
  std::atomic<bool> ready_{false};
};

Status ExchangeService::StartProxy(Node& node, const RoleConfig& role) {
  exchange::SecurityProxyOptions o;
  ASSIGN_OR_RETURN(o.server_id, role.Required("server_id", "INSTANCE/CLASS/CODE/SERVERCODE"));
  ASSIGN_OR_RETURN(std::string trust_root, role.Required("trust_root", "the state root certificate"));
  ASSIGN_OR_RETURN(o.peer_tls.cert_file, role.Required("auth_cert", "the TLS authentication certificate"));
  ASSIGN_OR_RETURN(o.peer_tls.key_file, role.Required("auth_key", "its key"));
  o.peer_tls.ca_file = trust_root;
  o.peer_tls.require_tls13 = true;
  ASSIGN_OR_RETURN(int64_t peer_ms, role.Number("peer_timeout_ms", 30000, 100, 600000));
  ASSIGN_OR_RETURN(int64_t backend_ms, role.Number("backend_timeout_ms", 30000, 100, 600000));
  o.peer_tls.timeout = std::chrono::milliseconds(peer_ms);
  o.backend_http.timeout = std::chrono::milliseconds(backend_ms);
  // Towards https backends: the state root, and a certificate the backend pins.
  o.backend_http.ca_file = trust_root;
  o.backend_http.cert_file = role.Setting("backend_cert", o.peer_tls.cert_file);
  o.backend_http.key_file = role.Setting("backend_key", o.peer_tls.key_file);
  ASSIGN_OR_RETURN(int64_t max_body, role.Number("max_body_bytes", kDefaultMaxBody, 1, 1LL << 30));
  // Only exchange_bench says this, to measure the relay alone; anything but the one
  // spelling is refused, and the server says so loudly.
  const std::string message_log = role.Setting("message_log", "on");
  if (message_log != "on" && message_log != "off-for-benchmark-only") {
    return InvalidArgument("message_log must be \"on\" (or \"off-for-benchmark-only\" in exchange_bench), got '" +
                           message_log + "'");
  }
  o.message_log_off_for_benchmark = message_log == "off-for-benchmark-only";
  if (o.message_log_off_for_benchmark) {
    spdlog::error("{}: message_log = off-for-benchmark-only: calls are relayed WITHOUT being logged; never in service",
                  role.name);
  }
  o.max_body_bytes = static_cast<size_t>(max_body);
  for (const auto& [key, value] : role.settings) {
    if (key.starts_with("backend.")) o.backends[key.substr(8)] = value;
  }

  // Peers' certificates, both ways, must be a registered security server's and have a
  // good OCSP status (cached for ocsp_freshness_s) from the responder the configuration
  // names: a revoked member is cut off once OCSP says so.
  ASSIGN_OR_RETURN(auto auth_chain, ReadChain(role.Setting("auth_cert")));
  if (auth_chain.size() < 2) return InvalidArgument("auth_cert must hold the certificate and its issuing CA");
  peer_issuer_ = std::move(auth_chain[1]);
  ASSIGN_OR_RETURN(int64_t freshness, role.Number("ocsp_freshness_s", 60, 1, 86400));
  o.peer_connection_max_age = std::chrono::seconds(freshness);
  ASSIGN_OR_RETURN(std::string root_pem, ReadFile(trust_root));
  // Half-stale answers are renewed by the node's housekeeping (below): no thread per server.
  ocsp_ = std::make_unique<exchange::OcspCache>(exchange::OcspCacheOptions{
      .trust_root_pem = root_pem, .freshness = std::chrono::seconds(freshness), .background = false});

  exchange::ConfClientOptions conf;
  ASSIGN_OR_RETURN(conf.central_url, role.Required("central_url", "the central authority's URL"));
  ASSIGN_OR_RETURN(std::string anchor_path, role.Required("anchor", "the trust anchor file"));
  ASSIGN_OR_RETURN(std::string anchor_text, ReadFile(anchor_path));
  ASSIGN_OR_RETURN(conf.anchor, exchange::TrustAnchor::Parse(anchor_text));
  ASSIGN_OR_RETURN(int64_t refresh_s, role.Number("conf_refresh_s", 60, 1, 86400));
  conf.refresh = std::chrono::seconds(refresh_s);
  conf.server_id = o.server_id;
  conf.http.ca_file = trust_root;
  conf.background = false;                      // the node's housekeeping refreshes it (no thread per server)
  conf.http.timeout = std::chrono::seconds(5);  // a stuck central must not hold the housekeeping long
  o.conf = exchange::ConfClient::Start(std::move(conf));
  exchange::ConfClient* conf_for_peers = o.conf.get();  // outlives every connection (member order)
  node.Housekeeping(
      [conf_for_peers, ticks = refresh_s * 1000 / Node::kHousekeepingTick.count(), tick = int64_t{0}]() mutable {
        if (++tick % std::max<int64_t>(1, ticks) != 0) return;
        if (Status st = conf_for_peers->Refresh(); !st.ok()) spdlog::warn("global configuration: {}", st.message());
      });
  // The provider's certificate must be the one registered for the server called.
  o.peer_check = [this, conf_for_peers](const std::string& peer, const std::string& base_url, X509* leaf) {
    return CheckPeer(*conf_for_peers, leaf, peer, base_url);
  };

  transparency::SignedLogOptions log;
  log.log_id = o.server_id;
  // How long the first record of a batch waits for others. Under load batches form by
  // themselves while the previous one commits, so waiting mostly adds latency.
  ASSIGN_OR_RETURN(int64_t batch_delay_us, role.Number("log_batch_delay_us", 0, 0, 1'000'000));
  log.max_delay = std::chrono::microseconds(batch_delay_us);
  ASSIGN_OR_RETURN(int64_t timestamp_ms, role.Number("log_timestamp_interval_ms", 1000, 0, 3'600'000));
  log.timestamp_interval = std::chrono::milliseconds(timestamp_ms);
  // A signed tree head per interval, not per batch: the answer waits only for the
  // records' durability, and evidence for the head's timestamp, which comes later anyway.
  ASSIGN_OR_RETURN(int64_t head_ms, role.Number("log_head_interval_ms", kDefaultLogHeadIntervalMs, 0, 60'000));
  log.head_interval = std::chrono::milliseconds(head_ms);
  log.signs_leaves_later = true;  // also when run again with log_head_interval_ms = "0"
  ASSIGN_OR_RETURN(log.certificate_chain, ReadChain(role.Setting("signing_cert")));
  ASSIGN_OR_RETURN(log.signing_key, ReadKey(role.Setting("signing_key"), role.Setting("key_passphrase_file")));
  ASSIGN_OR_RETURN(auto roots, ReadChain(trust_root));
  log.trust_root = std::move(roots[0]);
  exchange::ConfClient* conf_client = o.conf.get();  // outlives the log (SecurityProxy member order)
  log.timestamp = trust::HttpTimestamper(
      [conf_client] {
        auto current = conf_client->Current();
        return current.ok() ? (*current)->tsa_url : std::string();
      },
      net::ClientOptions{.ca_file = trust_root, .timeout = std::chrono::milliseconds(10000)});
  // A message log commits a small batch at a time, hundreds a second: small checkpoints
  // (the setting is there to measure the bulk stores' value against them).
  store::SqliteTuning tuning = store::kSmallCommits;
  ASSIGN_OR_RETURN(int64_t checkpoint_pages,
                   role.Number("log_checkpoint_pages", tuning.checkpoint_pages, 100, 1'000'000));
  tuning.checkpoint_pages = static_cast<int>(checkpoint_pages);
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore(store_, tuning));
  ASSIGN_OR_RETURN(o.log, exchange::MessageLog::Open(*store, std::move(log)));
  ASSIGN_OR_RETURN(o.rights, exchange::AccessRights::Open(*store));
  ASSIGN_OR_RETURN(proxy_, SecurityProxy::Create(std::move(o)));

  // Per client subsystem: a rate and an in-flight cap, so that one client's flood leaves
  // room (log batches, connections to peers) for the others.
  ASSIGN_OR_RETURN(int64_t rate, role.Number("client_rate_per_s", 2000, 1, 10'000'000));
  ASSIGN_OR_RETURN(int64_t burst, role.Number("client_burst", 400, 1, 10'000'000));
  ASSIGN_OR_RETURN(int64_t in_flight, role.Number("client_max_in_flight", 64, 1, 4096));
  admission_ =
      std::make_unique<exchange::Admission>(exchange::AdmissionOptions{.rate_per_s = static_cast<double>(rate),
                                                                       .burst = static_cast<double>(burst),
                                                                       .max_in_flight = static_cast<int>(in_flight)});

  // Half-stale OCSP answers, one per tick; registered last, once nothing above can fail.
  node.Housekeeping([ocsp = ocsp_.get()] { ocsp->RenewOne(); });
  return StartProviderListener(node, role, trust_root);
}

Status ExchangeService::CheckPeer(exchange::ConfClient& conf, X509* leaf, const std::string& expected,
                                  const std::string& address) {
  if (leaf == nullptr) return PermissionDenied("the peer presented no certificate");
  ASSIGN_OR_RETURN(auto current, conf.Current());
  std::string sha256 = CertificateSha256Hex(leaf);
  const exchange::SecurityServer* server = current->ServerByCert(sha256);
  if (!server) {
    return PermissionDenied("the certificate " + SubjectString(leaf) + " is not a registered security server's");
  }
  if (!expected.empty() && server->Id() != expected) {
    return PermissionDenied("the certificate at " + address + " is " + server->Id() + "'s (registered at " +
                            server->address + "), not " + expected + "'s, the server this call is for");
  }
  // Fail closed: a configuration without a responder leaves no way to know the
  // certificate is not revoked, so no peer is trusted under it.
  if (current->ocsp_url.empty()) {
    return PermissionDenied("the global configuration names no OCSP responder, so the status of " +
                            SubjectString(leaf) + " cannot be checked");
  }
  Status status = ocsp_->Check(leaf, peer_issuer_.get(), current->ocsp_url, sha256);
  if (status.code() == Code::kUnavailable) return PermissionDenied("no current OCSP status: " + status.message());
  return status;
}

Status ExchangeService::StartProviderListener(Node& node, const RoleConfig& role, const std::string& trust_root) {
  ASSIGN_OR_RETURN(std::string listen, role.Required("provider_listen", "HOST:PORT for other security servers"));
  auto address = net::ParseUrl("https://" + listen);
  if (!address.ok()) return InvalidArgument("provider_listen must be HOST:PORT, got '" + listen + "'");
  net::ServerOptions so;
  so.name = role.name + "-provider";
  so.host = address->host;
  so.port = address->port;
  // On the node's event loops, like every listener. A peer's first handshake after its
  // OCSP status went stale waits for the responder on the loop it came in on; only
  // registered servers get that far, at most once per peer per ocsp_freshness_s.
  so.loops = node.loops();
  so.max_body_bytes = ExchangeListenerBodyLimit(role);
  // Every caller here is another security server: its connections are capped per peer
  // address, before the TLS handshake (a consumer keeps at most one per worker).
  ASSIGN_OR_RETURN(int64_t per_peer, role.Number("provider_max_connections_per_peer", 128, 1, 100'000));
  so.max_connections_per_address = static_cast<size_t>(per_peer);
  net::TlsServerConfig tls;
  ASSIGN_OR_RETURN(tls.cert_file, role.Required("tls_cert", "the provider listener's TLS server certificate"));
  ASSIGN_OR_RETURN(tls.key_file, role.Required("tls_key", "its key"));
  tls.client_ca_file = trust_root;
  tls.require_tls13 = true;  // between security servers: TLS 1.3 only
  SecurityProxy* proxy = proxy_.get();
  tls.verify_client = [this, proxy](X509* leaf) -> Status {
    RETURN_IF_ERROR(proxy->VerifyPeer(leaf));
    return CheckPeer(proxy->conf(), leaf);
  };
  so.tls = std::move(tls);
  net::Router router;
  exchange::AddRestRoutes(router, [this, proxy](net::HttpRequest&& req, net::Responder respond) {
    // Every request, not only the handshake: a kept-alive connection of a peer revoked
    // since is refused once its cached OCSP status runs out.
    if (Status st = CheckPeer(proxy->conf(), req.peer_cert.get()); !st.ok()) {
      return respond(exchange::XRoadErrorResponse(
          exchange::XRoadError::Make(exchange::kServerProxyPrefix, "SslAuthenticationFailed", 403, st.message()), ""));
    }
    proxy->HandleProvider(std::move(req), std::move(respond));
  });
  ASSIGN_OR_RETURN(provider_, net::HttpServer::Start(std::move(so), std::move(router)));
  return OkStatus();
}

Status ExchangeService::Start(Node& node, const RoleConfig& role, const std::string& url) {
  consumer_url_ = url;
  store_ = RoleStoreName(role.name);  // one per role: several servers can share a data directory
  std::string dir = role.Setting("dir", (std::filesystem::path(node.config().data_dir) / store_).string());
  RETURN_IF_ERROR(MakePrivateDirectory(dir));
  RETURN_IF_ERROR(StartProxy(node, role));
  ASSIGN_OR_RETURN(admin->token, LoadOrCreateToken(AdminTokenPath(dir)));
  ready_ = true;
  admin->ready = true;
  return OkStatus();
}

Json ExchangeService::StatusJson() const {
  Json conf = {{"version", nullptr}, {"expires_at", nullptr}, {"last_error", proxy_->conf().last_error()}};
  if (auto current = proxy_->conf().Current(); current.ok()) {
    conf["version"] = (*current)->version;
    conf["expires_at"] = FormatRfc3339((*current)->expires_at);
  } else {
    conf["error"] = current.status().message();
  }
  return {{"server_id", proxy_->server_id()},
          {"consumer_url", consumer_url_},
          {"provider_url", provider_->url()},
          {"conf", conf},
          {"log",
           {{"size", proxy_->log().log().size()},
            {"awaiting_head", proxy_->log().log().awaiting_head()},
            {"pending_timestamps", proxy_->log().log().pending_timestamps()},
            {"off_for_benchmark", proxy_->message_log_off_for_benchmark()}}}};
}

net::HttpResponse Changed(const Status& st, const exchange::AccessGrant& grant) {
  if (!st.ok()) return net::ErrorResponse(st);
  return net::JsonResponse(Json{{"ok", true}, {"grant", grant.ToJson()}});
}

net::HttpResponse AdminGrant(ExchangeService& s, const Json& body) {
  auto grant = exchange::AccessGrant::FromJson(body);
  if (!grant.ok()) return net::ErrorResponse(grant.status());
  return Changed(s.proxy()->rights().Grant(*grant), *grant);
}

net::HttpResponse AdminRevoke(ExchangeService& s, const Json& body) {
  auto grant = exchange::AccessGrant::FromJson(body);
  if (!grant.ok()) return net::ErrorResponse(grant.status());
  return Changed(s.proxy()->rights().Revoke(*grant), *grant);
}

net::HttpResponse AdminRights(ExchangeService& s, const Json& body) {
  std::optional<exchange::ServiceId> service;
  if (body.contains("service") && body["service"].is_string()) {
    auto id = exchange::ParseServiceId(body["service"].get<std::string>());
    if (!id.ok()) return net::ErrorResponse(id.status());
    service = *id;
  }
  Json grants = Json::array();
  for (const auto& g : s.proxy()->rights().List(service ? &*service : nullptr)) grants.push_back(g.ToJson());
  return net::JsonResponse(Json{{"grants", grants}});
}

net::HttpResponse AdminStatus(ExchangeService& s, const Json&) { return net::JsonResponse(s.StatusJson()); }

}  // namespace

size_t ExchangeListenerBodyLimit(const RoleConfig& role) {
  auto limit = role.Number("max_body_bytes", kDefaultMaxBody, 1, 1LL << 30);
  return 2 * static_cast<size_t>(limit.ok() ? *limit : kDefaultMaxBody);
}

Result<std::shared_ptr<RoleService>> AddExchangeRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  auto s = std::make_shared<ExchangeService>();
  ASSIGN_OR_RETURN(s->clients, ReadConsumerClients(role));
  exchange::AddRestRoutes(router, [s](net::HttpRequest&& req, net::Responder respond) {
    SecurityProxy* proxy = s->proxy();
    // Refusals before anything is relayed say when to come back (Retry-After): the
    // caller knows the call was not sent and may send it again.
    if (proxy == nullptr) {
      return respond(net::NotTaken(
          exchange::XRoadErrorResponse(exchange::XRoadError::Make(exchange::kClientProxyPrefix, "ServerStarting", 503,
                                                                  "the security server is still starting"),
                                       "")));
    }
    // Keyed by the parsed id, so spellings cannot dodge the cap; a header that does not
    // parse is refused by the relay itself (400) without a bucket.
    auto client = exchange::ParseClientId(req.headers.Get("X-Road-Client"));
    if (!client.ok()) return proxy->HandleConsumer(std::move(req), std::move(respond));
    // Who calls is authenticated before anything is spent on the call (no admission
    // bucket for a client that is not one).
    if (Status st = s->clients.Authenticate(client->ToString(), req); !st.ok()) {
      return respond(exchange::XRoadErrorResponse(
          exchange::XRoadError::Make(exchange::kClientProxyPrefix, "SslAuthenticationFailed", 403, st.message()), ""));
    }
    auto ticket = s->admission().Admit(client->ToString());
    if (!ticket.ok()) {
      return respond(net::NotTaken(exchange::XRoadErrorResponse(
          exchange::XRoadError::Make(exchange::kClientProxyPrefix, "TooManyRequests", 429, ticket.status().message()),
          "")));
    }
    // The client's slot is held until its answer goes out.
    auto held = std::make_shared<exchange::Admission::Ticket>(std::move(*ticket));
    auto inner = std::make_shared<net::Responder>(std::move(respond));
    proxy->HandleConsumer(std::move(req),
                          net::Responder([held, inner](net::HttpResponse resp) { (*inner)(std::move(resp)); }));
  });
  std::pair<const char*, net::HttpResponse (*)(ExchangeService&, const Json&)> admin[] = {
      {"/admin/grant", AdminGrant},
      {"/admin/revoke", AdminRevoke},
      {"/admin/rights", AdminRights},
      {"/admin/status", AdminStatus}};
  for (auto [path, action] : admin) {
    AddAdminRoute(node, router, s->admin, path, [s, act = action](const Json& body) { return act(*s, body); });
  }
  return std::shared_ptr<RoleService>(s);
}

}  // namespace riik::node
