// Change propagation from a registry to the members that subscribed: an outbox in the
// registry's journaled store and a deliverer that sends each subscriber its events
// through the exchange, in order, at least once, retrying (with backoff) a subscriber
// that is down until it answers, so that it gets every event when it returns. Events
// are queued in the same transaction as the change they describe: a change without
// its events, or events without the change, cannot be committed.
//
// Subscriptions are made through the exchange (the `subscriptions` service: a grant on
// the registry's security server decides who may subscribe) and name the subscriber's
// own `notify` service. Format of an event: docs/registries.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "registry/exchange_caller.h"
#include "store/store.h"
#include "tracker/tracker.h"

namespace riik::registry {

class Outbox {
 public:
  // The outbox and subscription tables.
  static std::vector<store::TableSchema> Tables();

  // In a write transaction: queues `event` (an object; "event", "person" and the
  // change's details) for every subscriber of `kind`, numbering it per subscriber.
  static Status Enqueue(store::WriteTxn& txn, const std::string& source, const std::string& kind,
                        const std::string& person, Json event);
  // Records (or renews) a subscription: `subscriber` (the calling subsystem) is told of
  // `kind` events through its service `notify`, which must be its own.
  static Status Subscribe(store::Store& store, const std::string& subscriber, const std::string& kind,
                          const std::string& notify);

  // Starts delivering through `exchange`. retry_max bounds the backoff for a subscriber
  // that does not answer.
  // Each delivered event is a disclosure of the person's data to the subscriber: with a
  // `tracker`, it is recorded there once the subscriber acknowledged it (before the
  // event counts as delivered, so a failed record means a resend, and a record).
  Outbox(store::Store& store, ExchangeCaller& exchange, tracker::Tracker* tracker = nullptr,
         std::chrono::milliseconds retry_max = std::chrono::seconds(5));
  ~Outbox();  // stops delivering; what is not delivered stays queued
  // Delivers without waiting for the next retry tick (after a change commits).
  void Wake();

  // Events not yet delivered, per subscriber (also riik_registry_outbox_pending).
  std::map<std::string, int64_t> Pending();

 private:
  void Loop();
  // Sends `subscriber`'s queued events in order until one fails; OK if all went.
  Status DeliverTo(const std::string& subscriber, const std::string& notify);

  store::Store& store_;
  ExchangeCaller& exchange_;
  tracker::Tracker* tracker_;
  std::chrono::milliseconds retry_max_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false, stopping_ = false;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, std::chrono::milliseconds>> backoff_;
  std::thread thread_;
};

}  // namespace riik::registry
