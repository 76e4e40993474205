// Node start-up and shutdown.
#include "node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/encoding.h"
#include "core/file.h"
#include "core/periodic.h"
#include "core/step_scheduler.h"
#include "core/version.h"
#include "embassy/data_key.h"
#include "embassy/master_key.h"
#include "embassy/segment.h"
#include "embassy/shipper.h"
#include "embassy/vault.h"
#include "node/role.h"
#include "node/role_keys.h"
#include "node/roles/auth_role.h"
#include "node/roles/central_role.h"
#include "node/roles/embassy_role.h"
#include "node/roles/exchange_role.h"
#include "node/roles/portal_role.h"
#include "node/roles/registry_role.h"
#include "node/roles/rp_role.h"
#include "node/roles/sign_role.h"
#include "node/roles/status_role.h"
#include "node/roles/trust_role.h"
#include "node/roles/vote_role.h"
#include "portal/document_store.h"
#include "vote/ballot_box.h"

namespace riik::node {
namespace {

const store::TableSchema kEventsTable = {"events",
                                         {{"id", store::ColumnType::kInt},
                                          {"time_us", store::ColumnType::kInt},
                                          {"kind", store::ColumnType::kText},
                                          {"detail", store::ColumnType::kText}},
                                         {"id"},
                                         {}};

}  // namespace

std::string DefaultStorePath(const std::string& data_dir, const std::string& name) {
  return (std::filesystem::path(data_dir) / name / "store.db").string();
}

std::string DefaultStoreUrl(const std::string& data_dir, const std::string& name) {
  return "sqlite:" + DefaultStorePath(data_dir, name);
}

std::string RoleStoreName(const std::string& role_name) {
  std::string name = role_name;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  }
  return name;
}

Node::Node(NodeConfig config) : config_(std::move(config)), started_at_(NowMicros()) {}

Node::~Node() { Stop(); }

namespace {

// The node's data key for store `name`: made once, kept 0600 in `keys_dir`.
Result<std::string> DataKeyFor(const std::string& keys_dir, const std::string& name) {
  std::string path = keys_dir + "/" + name + ".key";
  if (auto text = ReadSecretFile(path); text.ok() || text.status().code() != Code::kNotFound) {
    if (!text.ok()) return text.status();
    auto key = HexDecode(text->substr(0, text->find('\n')));
    if (!key.ok() || key->size() != embassy::kDataKeyBytes) return DataLoss(path + " is not a 32-byte key in hex");
    return *key;
  }
  RETURN_IF_ERROR(MakePrivateDirectory(keys_dir));
  std::string key = embassy::NewDataKey();
  RETURN_IF_ERROR(WriteFileAtomic(path, HexEncode(key) + "\n", /*secret=*/true));
  return key;
}

bool ShipsStore(const RoleConfig& shipping, const std::string& name) {
  std::vector<std::string> stores = shipping.List("stores");
  return stores.empty() || stores == std::vector<std::string>{"*"} ||
         std::find(stores.begin(), stores.end(), name) != stores.end();
}

}  // namespace

Status Node::StartShippingLocked(const std::string& name, const std::string& url, store::Store& store) {
  const RoleConfig& c = *config_.shipping;
  embassy::ShipperOptions o;
  o.embassies = c.List("embassies");
  if (o.embassies.empty()) return InvalidArgument("shipping needs embassies (the embassies' URLs, comma-separated)");
  std::string mode = c.Setting("mode", "async");
  if (mode != "async" && mode != "sync") return InvalidArgument("shipping.mode is async or sync, not '" + mode + "'");
  o.synchronous = mode == "sync";
  ASSIGN_OR_RETURN(int64_t timeout_ms, c.Number("sync_timeout_ms", 10000, 100, 3'600'000));
  o.sync_timeout = std::chrono::milliseconds(timeout_ms);
  ASSIGN_OR_RETURN(o.client.cert_file, c.Required("tls_cert", "the node's TLS client certificate, PEM"));
  ASSIGN_OR_RETURN(o.client.key_file, c.Required("tls_key", "its private key"));
  ASSIGN_OR_RETURN(o.client.ca_file, c.Required("trust_root", "the root the embassies' certificates chain to"));
  o.client.require_tls13 = true;
  ASSIGN_OR_RETURN(std::string signing_cert, c.Required("signing_cert", "the certificate segments are signed under"));
  ASSIGN_OR_RETURN(o.signer_pem, ReadFile(signing_cert));
  ASSIGN_OR_RETURN(std::string signing_key, c.Required("signing_key", "its private key"));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, ReadKey(signing_key, c.Setting("key_passphrase_file")));
  o.signing_key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  ASSIGN_OR_RETURN(std::string master_file, c.Required("master_public", "the state master key's public half"));
  ASSIGN_OR_RETURN(std::string master, embassy::ReadMasterPublicKey(master_file));
  std::string keys_dir = c.Setting("keys_dir", config_.data_dir + "/embassy-keys");
  ASSIGN_OR_RETURN(o.data_key, DataKeyFor(keys_dir, name));
  ASSIGN_OR_RETURN(o.wrapped_key, embassy::WrapDataKey(o.data_key, master, store.node()));
  o.state_file = keys_dir + "/" + name + ".acked";
  ASSIGN_OR_RETURN(int64_t checkpoint_s, c.Number("checkpoint_interval_s", 300, 1, 86400));
  o.checkpoint_interval = std::chrono::seconds(checkpoint_s);
  // Snapshots (SQLite stores): after this much journal (KiB) shipped since the last, and as
  // much as the last one's file; 0: none.
  ASSIGN_OR_RETURN(int64_t snapshot_kib, c.Number("snapshot_every_kib", 256 * 1024, 0, int64_t{1} << 30));
  o.store_url = url;
  o.snapshot_work_dir = keys_dir;
  o.snapshot_every_bytes = static_cast<uint64_t>(snapshot_kib) << 10;
  ASSIGN_OR_RETURN(auto shipper, embassy::Shipper::Start(store, std::move(o)));
  embassy::Shipper* sh = shipper.get();
  store.SetCommitObserver([sh](int64_t seq) { return sh->Committed(seq); });
  shippers_[name] = std::move(shipper);
  return OkStatus();
}

Status Node::StartVault() {
  if (!config_.shipping) return OkStatus();
  std::vector<std::string> include = config_.shipping->List("vault");
  if (include.empty()) return OkStatus();
  RETURN_IF_ERROR(MakePrivateDirectory(config_.data_dir + "/vault"));  // it holds keys
  ASSIGN_OR_RETURN(store::Store * vault, OpenStore("vault"));
  ASSIGN_OR_RETURN(embassy::VaultSync first, embassy::SyncVault(*vault, config_.data_dir, include));
  spdlog::info("vault: {} files kept for the data embassy", first.files);
  Housekeeping([this, vault, include, tick = 0]() mutable {
    if (++tick % 20 != 0) return;  // every 10 s
    auto sync = embassy::SyncVault(*vault, config_.data_dir, include);
    if (!sync.ok()) spdlog::warn("vault: {}", sync.status().message());
  });
  return OkStatus();
}

void Node::Housekeeping(std::function<void()> task) {
  std::lock_guard lock(housekeeping_mu_);
  housekeeping_.push_back(std::move(task));
  if (!housekeeper_) {
    housekeeper_ = std::make_unique<Periodic>(kHousekeepingTick, [this] {
      std::lock_guard tasks(housekeeping_mu_);
      for (auto& t : housekeeping_) t();
    });
  }
}

Json Node::ShippingStatus() const {
  std::lock_guard lock(mu_);
  Json out = Json::array();
  for (const auto& [name, shipper] : shippers_) out.push_back(shipper->Progress().ToJson());
  return out;
}

Result<std::unique_ptr<Node>> Node::Start(NodeConfig config) {
  // The listeners' connection caps, not the default of 1024 descriptors, bound a flood.
  size_t files = net::RaiseOpenFileLimit();
  spdlog::debug("open file limit: {}", files);
  // Stores, keys and tokens live here: only the operator's account may enter.
  RETURN_IF_ERROR(MakePrivateDirectory(config.data_dir).WithContext("the data directory"));
  std::unique_ptr<Node> node(new Node(std::move(config)));
  // One event loop per core for every listener of the node (more if a role asks).
  int loops = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (const auto& role : node->config_.roles) loops = std::max(loops, role.listen.threads);
  node->loops_ = net::EventLoops::Start(loops);
  ASSIGN_OR_RETURN(store::Store * events, node->OpenStore("node"));
  RETURN_IF_ERROR(events->EnsureTables({kEventsTable}));
  RETURN_IF_ERROR(node->StartVault());
  for (const auto& role : node->config_.roles) {
    Status st = node->StartRole(role);
    if (!st.ok()) return st.WithContext("starting role " + role.name);
  }
  // A shared step scheduler with a stall limit (the signed logs' sealing, once a role has
  // opened a log) whose every thread hangs in one step gets another thread even if no
  // step is woken meanwhile (core/step_scheduler.h). A node without one starts no
  // housekeeping thread for it.
  if (StepScheduler::AnySharedWithStallLimit()) node->Housekeeping([] { StepScheduler::CheckSharedStalls(); });
  Json roles = Json::array();
  for (const auto& r : node->roles_) roles.push_back({{"name", r.name}, {"kind", r.kind}, {"url", r.url}});
  RETURN_IF_ERROR(node->RecordEvent("start", {{"version", kVersion}, {"roles", roles}}));
  return node;
}

Status Node::StartRole(const RoleConfig& role) {
  net::Router router;
  RunningRole running{role.name, role.kind, "", {}};
  std::shared_ptr<RoleService> service;
  if (role.kind == "status") {
    RETURN_IF_ERROR(AddStatusRoutes(*this, role, router));
  } else if (role.kind == "trust") {
    ASSIGN_OR_RETURN(service, AddTrustRoutes(*this, role, router));
  } else if (role.kind == "central") {
    service = AddCentralRoutes(*this, router);
  } else if (role.kind == "exchange") {
    ASSIGN_OR_RETURN(service, AddExchangeRoutes(*this, role, router));
  } else if (role.kind == "registry") {
    ASSIGN_OR_RETURN(service, AddRegistryRoutes(*this, role, router));
  } else if (role.kind == "embassy") {
    ASSIGN_OR_RETURN(service, AddEmbassyRoutes(*this, role, router));
  } else if (role.kind == "sign") {
    ASSIGN_OR_RETURN(service, AddSignRoutes(*this, role, router));
  } else if (role.kind == "auth") {
    ASSIGN_OR_RETURN(service, AddAuthRoutes(*this, role, router));
  } else if (role.kind == "rp") {
    ASSIGN_OR_RETURN(service, AddRelyingPartyRoutes(*this, role, router));
  } else if (role.kind == "portal") {
    ASSIGN_OR_RETURN(service, AddPortalRoutes(*this, role, router));
  } else if (role.kind == "vote") {
    ASSIGN_OR_RETURN(service, AddVoteRoutes(*this, role, router));
  } else {
    return InvalidArgument("unknown role kind '" + role.kind + "'");
  }
  net::ServerOptions opts;
  opts.name = role.name;
  opts.host = role.listen.host;
  opts.port = role.listen.port;
  // Every listener serves on the node's event loops, except the trust services': the
  // security servers ask the OCSP responder from their loops (a TLS handshake's peer
  // check), which would wait forever for a responder queued behind them on the same loops.
  if (role.kind == "trust") {
    opts.threads = role.listen.threads;
  } else {
    opts.loops = loops_;
  }
  opts.tls = role.listen.tls;
  if (service && opts.tls) {
    RoleService::ListenerPolicy policy = service->listener_policy();
    if (policy.verify_client) opts.tls->verify_client = std::move(policy.verify_client);
    opts.tls->client_cert_optional = policy.client_cert_optional;
    opts.tls->require_tls13 = opts.tls->require_tls13 || policy.require_tls13;
  }
  if (service)
    opts.not_ready = [weak = std::weak_ptr<RoleService>(service)] {
      auto s = weak.lock();
      return s ? s->NotReady() : std::string("the role is stopping");
    };
  if (role.kind == "exchange") opts.max_body_bytes = ExchangeListenerBodyLimit(role);
  if (role.kind == "embassy") opts.max_body_bytes = EmbassyListenerBodyLimit();
  if (role.kind == "sign") opts.max_body_bytes = SignListenerBodyLimit(role);
  if (role.kind == "vote") opts.max_body_bytes = vote::kMaxCastBytes + (64 << 10);
  if (role.kind == "portal") opts.max_body_bytes = portal::kMaxDocumentBytes + (256 << 10);  // an upload and its form
  // Every listener caps the connections one address may hold open (Estonia 2007): a
  // flood of connections from one host then cannot take the descriptors others need.
  ASSIGN_OR_RETURN(int64_t per_address,
                   role.Number("max_connections_per_address", kDefaultConnectionsPerAddress, 0, 1'000'000));
  opts.max_connections_per_address = static_cast<size_t>(per_address);
  ASSIGN_OR_RETURN(int64_t max_connections, role.Number("max_connections", kDefaultMaxConnections, 0, 1'000'000));
  opts.max_connections = static_cast<size_t>(max_connections);
  ASSIGN_OR_RETURN(auto server, net::HttpServer::Start(std::move(opts), std::move(router)));
  running.url = server->url();
  if (service) {
    // Some roles need their own URL (the CA's AIA, the configuration's addresses).
    RETURN_IF_ERROR(service->Start(*this, role, running.url));
    running.stores = service->stores();
  }
  spdlog::info("role {} ({}) listening on {}", role.name, role.kind, running.url);
  std::lock_guard lock(mu_);
  servers_.push_back(std::move(server));
  if (service) services_.push_back(service);
  roles_.push_back(std::move(running));
  return OkStatus();
}

Result<store::Store*> Node::OpenStore(const std::string& name, const store::SqliteTuning& tuning) {
  std::lock_guard lock(mu_);
  if (auto it = stores_.find(name); it != stores_.end()) return it->second.get();
  std::string url;
  if (auto it = config_.store_urls.find(name); it != config_.store_urls.end()) {
    url = it->second;
  } else {
    RETURN_IF_ERROR(MakePrivateDirectory(config_.data_dir + "/" + name).WithContext("the directory of store " + name));
    url = DefaultStoreUrl(config_.data_dir, name);
  }
  store::StoreOptions options{url, name};
  options.sqlite = tuning;
  auto opened = store::Store::Open(options);
  if (!opened.ok()) return opened.status().WithContext("opening store " + name);
  store::Store* s = opened->get();
  if (config_.shipping && ShipsStore(*config_.shipping, name)) {
    Status st = StartShippingLocked(name, url, *s);
    if (!st.ok()) return st.WithContext("shipping store " + name + " to the data embassies");
  }
  stores_[name] = std::move(*opened);
  return s;
}

std::vector<store::Store*> Node::Stores() const {
  std::lock_guard lock(mu_);
  std::vector<store::Store*> out;
  for (const auto& [name, s] : stores_) out.push_back(s.get());
  return out;
}

Status Node::RecordEvent(const std::string& kind, const Json& detail) {
  ASSIGN_OR_RETURN(store::Store * events, OpenStore("node"));
  return events
      ->Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto last, txn.Query("SELECT MAX(id) AS id FROM events"));
        int64_t next = 1;
        if (!last.empty()) {
          if (auto* id = std::get_if<int64_t>(&last[0]["id"])) next = *id + 1;
        }
        return txn.Put("events", {{"id", next}, {"time_us", NowMicros()}, {"kind", kind}, {"detail", detail.dump()}});
      })
      .status();
}

void Node::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  for (auto it = servers_.rbegin(); it != servers_.rend(); ++it) (*it)->Stop();
  for (auto& service : services_) service->StopListening();
  // The roles' upkeep stops before their state goes.
  if (housekeeper_) housekeeper_->Stop();
  // No connection is left on the loops: they stop, and what they still hold (a log's
  // callback for a relay the stop cut short) never runs and goes with them, last.
  if (loops_) loops_->Stop();
  blocking_.Stop();
  services_.clear();
  Status st = RecordEvent("stop", Json::object());
  if (!st.ok()) spdlog::warn("could not record the stop event: {}", st.ToString());
  servers_.clear();
  std::lock_guard lock(mu_);
  // Each sends what the embassies lack and a final checkpoint, for a few seconds at most.
  for (auto& [name, shipper] : shippers_) shipper->Stop(std::chrono::milliseconds(5000));
  for (auto& [name, s] : stores_) s->SetCommitObserver(nullptr);
  shippers_.clear();
  stores_.clear();
}

}  // namespace riik::node
