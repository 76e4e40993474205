// Node: one riik process. Opens the stores its roles need, starts each role's HTTP
// server, and stops them in reverse order. Every node keeps its own operator event
// log in the store "node" (each start and stop is a journaled event).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/thread_pool.h"
#include "net/router.h"
#include "net/server.h"
#include "node/config.h"
#include "store/store.h"

namespace riik {
class Periodic;
}
namespace riik::embassy {
class Shipper;
}

namespace riik::node {

class RoleService;  // role.h

struct RunningRole {
  std::string name;
  std::string kind;
  std::string url;
  std::vector<std::string> stores;  // store names the role serves
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Start(NodeConfig config);
  ~Node();  // Stop()

  // Opens (once) and returns the store `name`: the URL from the config, else
  // sqlite:DATA_DIR/NAME/store.db, with the first opener's `tuning` (StoreOptions::sqlite;
  // Store::Tune changes it later).
  Result<store::Store*> OpenStore(const std::string& name, const store::SqliteTuning& tuning = {});
  std::vector<store::Store*> Stores() const;

  const std::vector<RunningRole>& roles() const { return roles_; }
  const NodeConfig& config() const { return config_; }
  // For handlers that block on disk, the database or another server.
  ThreadPool& blocking() { return blocking_; }
  // Runs `task` every kHousekeepingTick on the node's one housekeeping thread until the
  // node stops (before any role's state goes): expiring sessions, refreshing a copy of
  // the configuration, rotating keys. Keep each task short; count ticks for slower
  // schedules.
  static constexpr std::chrono::milliseconds kHousekeepingTick{500};
  void Housekeeping(std::function<void()> task);
  // The network threads every listener of the node shares, one event loop per core (or
  // more, if a role's `threads` asks for more).
  const std::shared_ptr<net::EventLoops>& loops() const { return loops_; }
  int64_t started_at() const { return started_at_; }

  // Each store's shipping to the data embassies ([shipping]): mode, head, what each
  // embassy acknowledged, lag. An empty array when the node does not ship.
  Json ShippingStatus() const;

  // Stops every server (in-flight requests finish), records the stop event, sends what
  // the embassies do not have yet (a moment at most), closes stores.
  void Stop();

 private:
  explicit Node(NodeConfig config);
  Status StartRole(const RoleConfig& role);
  Status RecordEvent(const std::string& kind, const Json& detail);
  // Starts shipping store `name` (under mu_, before anyone else sees the store).
  Status StartShippingLocked(const std::string& name, const std::string& url, store::Store& store);
  // With shipping.vault set: the store "vault" kept in line with those files, now and
  // every few seconds (embassy/vault.h).
  Status StartVault();

  NodeConfig config_;
  int64_t started_at_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<store::Store>> stores_;
  std::map<std::string, std::unique_ptr<embassy::Shipper>> shippers_;  // stopped before stores_ close
  std::mutex housekeeping_mu_;
  std::vector<std::function<void()>> housekeeping_;  // run by housekeeper_ every tick
  std::unique_ptr<Periodic> housekeeper_;            // one thread for every role's upkeep
  std::shared_ptr<net::EventLoops> loops_;           // outlives the servers and role services on it
  std::vector<std::unique_ptr<net::HttpServer>> servers_;
  std::vector<std::shared_ptr<RoleService>> services_;  // role state the servers' handlers use
  std::vector<RunningRole> roles_;
  ThreadPool blocking_{2};
  bool stopped_ = false;
};

// The path of a store's SQLite file under a data directory.
std::string DefaultStorePath(const std::string& data_dir, const std::string& name);
std::string DefaultStoreUrl(const std::string& data_dir, const std::string& name);
// The store of a role with a store of its own (exchange, registry) named `role_name`:
// the name lower-cased with every character other than a-z, 0-9 and _ made '_' (store
// names allow only those), e.g. ss-tax -> ss_tax. One per role, so that several such
// roles can share a data directory.
std::string RoleStoreName(const std::string& role_name);

}  // namespace riik::node
