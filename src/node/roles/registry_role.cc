// The registry role's wiring: settings, the store, the first load, the routes.
#include "node/roles/registry_role.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "core/thread_pool.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "registry/load.h"
#include "registry/notifications.h"
#include "registry/outbox.h"
#include "registry/registers.h"

namespace riik::node {
namespace {

// Owns what the routes use: the caller into the exchange and the workers; the store is
// the node's.
class RegistryService : public RoleService {
 public:
  RegistryService(std::string store_name, store::Store& store, std::unique_ptr<registry::ExchangeCaller> caller,
                  std::unique_ptr<tracker::Tracker> tracker, const registry::RegistryInfo& info, int workers)
      : store_name_(std::move(store_name)),
        caller_(std::move(caller)),
        tracker_(std::move(tracker)),
        workers_(workers),
        context_{store, caller_.get(), &workers_, tracker_.get(), nullptr, info.ClientId()} {
    if (!caller_) return;
    // The population register tells subscribers of changes; the others subscribe.
    if (info.kind == registry::Kind::kPopulation) {
      outbox_ = std::make_unique<registry::Outbox>(store, *caller_, tracker_.get());
      context_.outbox = outbox_.get();
    } else if (info.kind != registry::Kind::kBusiness) {
      subscription_ = std::make_unique<registry::Subscription>(
          *caller_, registry::InfoOf(registry::Kind::kPopulation).ClientId() + "/subscriptions");
    }
  }
  ~RegistryService() override {
    subscription_.reset();
    outbox_.reset();
    workers_.Stop();  // before the tracker goes
  }
  Status Start(Node&, const RoleConfig&, const std::string&) override { return OkStatus(); }
  std::vector<std::string> stores() const override { return {store_name_}; }
  ListenerPolicy listener_policy() const override {
    ListenerPolicy policy;
    policy.verify_client = [pins = exchange_pins_](X509* leaf) {
      return CheckPinned(pins, leaf, "only this registry's security server");
    };
    policy.client_cert_optional = true;  // operators, with the admin token
    return policy;
  }
  registry::RegistryContext& context() { return context_; }
  // The certificates of the security server(s) that may call (empty: a plain-HTTP
  // listener for development).
  std::set<std::string> exchange_pins_;

 private:
  std::string store_name_;
  std::unique_ptr<registry::ExchangeCaller> caller_;
  std::unique_ptr<tracker::Tracker> tracker_;
  // Answers run here: they read the store and may wait on the exchange (the tax board on
  // the bank), so each registry has workers of its own, never another's.
  ThreadPool workers_;
  std::unique_ptr<registry::Outbox> outbox_;
  std::unique_ptr<registry::Subscription> subscription_;  // answers that wait on the exchange
  registry::RegistryContext context_;
};

// The data tracker, signed with the member's signing key and timestamped by the TSA
// (tsa_url, or a trust role of this process); none without signing_cert.
Result<std::unique_ptr<tracker::Tracker>> OpenTracker(Node& node, const RoleConfig& role, store::Store& store,
                                                      const std::string& registry) {
  if (role.Setting("signing_cert").empty()) {
    spdlog::warn("registry {}: no signing_cert: accesses to persons' data are not tracked", role.name);
    return std::unique_ptr<tracker::Tracker>();
  }
  ASSIGN_OR_RETURN(transparency::SignedLogOptions log, MemberLogOptions(node, role));
  return tracker::Tracker::Open(store, registry, std::move(log));
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddRegistryRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  ASSIGN_OR_RETURN(std::string name,
                   role.Required("registry", "which registry: population, business, tax, bank or education"));
  ASSIGN_OR_RETURN(const registry::RegistryInfo* info, registry::FindRegistry(name));
  registry::LoadOptions load;
  ASSIGN_OR_RETURN(load.count, role.Number("population_count", 3000, 1, 20'000'000));
  ASSIGN_OR_RETURN(int64_t seed, role.Number("population_seed", 1, 0, INT64_MAX));
  load.seed = static_cast<uint64_t>(seed);
  std::string demo = role.Setting("demo_people", "false");
  if (demo != "true" && demo != "false")
    return InvalidArgument("demo_people must be true or false, got '" + demo + "'");
  load.demo_people = demo == "true";

  const std::string store_name = RoleStoreName(role.name);
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore(store_name));
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::optional<registry::LoadRecord> before, registry::LoadedFrom(*store));
  RETURN_IF_ERROR(registry::EnsureLoaded(info->kind, *store, load));
  // Loaded: from now on written a call's tracker record at a time, each waited for.
  RETURN_IF_ERROR(store->Tune(store::kServing));
  if (!before) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("registry {} ({}): loaded {} persons (seed {}) in {} ms", role.name, info->name, load.count, load.seed,
                 ms);
  } else if (before->count != load.count || before->seed != load.seed || before->demo_people != load.demo_people) {
    spdlog::warn(
        "registry {} ({}): its store holds the population of {} persons, seed {}; the settings now say {}, seed {} "
        "(kept: a registry loads once)",
        role.name, info->name, before->count, before->seed, load.count, load.seed);
  }
  std::unique_ptr<registry::ExchangeCaller> caller;
  if (std::string url = role.Setting("exchange_url"); !url.empty()) {
    ASSIGN_OR_RETURN(net::ClientOptions tls, ExchangeClientTls(role, url));
    caller = std::make_unique<registry::ExchangeCaller>(url, info->ClientId(), std::move(tls));
  }
  ASSIGN_OR_RETURN(std::set<std::string> pins, ListenerPins(role, "a registry"));
  ASSIGN_OR_RETURN(std::unique_ptr<tracker::Tracker> tracker, OpenTracker(node, role, *store, info->ClientId()));
  ASSIGN_OR_RETURN(int64_t workers, role.Number("workers", 4, 1, 256));
  auto service = std::make_shared<RegistryService>(store_name, *store, std::move(caller), std::move(tracker), *info,
                                                   static_cast<int>(workers));
  service->exchange_pins_ = std::move(pins);
  std::string dir = node.config().data_dir + "/" + store_name;
  ASSIGN_OR_RETURN(service->context().operator_token, LoadOrCreateToken(AdminTokenPath(dir)));
  service->context().validation_service = role.Setting("validation_service");
  if (!service->exchange_pins_.empty()) {
    // Only the security server calls the services: a connection without a certificate
    // (an operator with the admin token) reaches the operator routes alone.
    router.SetGate([](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
      if (req.peer_cert) return std::nullopt;  // the pinned security server (checked at the handshake)
      return net::JsonError(
          403, "exchange_only",
          "this registry answers only its security server (mutual TLS); call it through the exchange");
    });
  }
  registry::RegisterOf(info->kind).add_routes(router, service->context());
  return std::shared_ptr<RoleService>(service);
}

}  // namespace riik::node
