// A security server's copy of the global configuration: downloaded from the central
// authority (GET CENTRAL/globalconf) when started and then on a schedule, verified
// against the trust anchor, and kept. A document that is badly signed, expired,
// malformed, or older than the one held is refused and the last good one stays in force
// until it expires itself; from then on Current() fails, and every call through the
// server gets the outdated-configuration error. Exported on /metrics, labelled with the
// server: riik_exchange_globalconf_version, riik_exchange_globalconf_expires_at_seconds,
// riik_exchange_globalconf_refresh_failures_total.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "exchange/global_conf.h"
#include "net/client.h"

namespace riik {
class Counter;
class Gauge;
}  // namespace riik

namespace riik::exchange {

struct ConfClientOptions {
  std::string central_url;  // the central role's base URL
  TrustAnchor anchor;
  std::chrono::milliseconds refresh{60000};
  // Refresh on a thread of its own every `refresh`; false: the owner calls Refresh()
  // on its schedule (a role that already has a housekeeping thread).
  bool background = true;
  std::string server_id;    // the metrics label "server"
  net::ClientOptions http;  // for an https central: its CA file
  Clock clock = SystemClock();
};

class ConfClient {
 public:
  // Fetches once (a failure is logged and counted, not fatal: the server answers with
  // the outdated-configuration error until a fetch succeeds), then refreshes in the
  // background until destroyed.
  static std::unique_ptr<ConfClient> Start(ConfClientOptions options);
  ~ConfClient();
  ConfClient(const ConfClient&) = delete;
  ConfClient& operator=(const ConfClient&) = delete;

  // The configuration in force. FailedPrecondition, saying why, if there is none yet or
  // the one held has expired.
  Result<std::shared_ptr<const GlobalConf>> Current() const;
  // Downloads and verifies the configuration now; on failure the one held stays.
  Status Refresh();
  // Why the last refresh failed; empty after a success.
  std::string last_error() const;

 private:
  explicit ConfClient(ConfClientOptions options);
  Result<GlobalConf> Download();
  void RefreshLoop();

  ConfClientOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const GlobalConf> conf_;
  std::string last_error_;
  std::unique_ptr<net::HttpClient> http_;  // used by one refresh at a time (refresh_mu_)
  std::mutex refresh_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  Gauge* version_ = nullptr;
  Gauge* expires_at_ = nullptr;
  Counter* failures_ = nullptr;
  std::thread thread_;
};

}  // namespace riik::exchange
