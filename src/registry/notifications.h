// The receiving end of change propagation (outbox.h), for the registries that subscribe
// to the population register's address changes (tax board, bank, education register):
//   POST /notify                 an event; idempotent (a repeated seq is acknowledged and
//                                ignored), in order per source (a gap is refused with 409,
//                                and the sender retries from where it is)
//   GET  /notifications/{code}   the events received about a person (personal data)
// and the subscription itself, made through the exchange when the registry starts.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "net/router.h"
#include "registry/context.h"
#include "store/store.h"
#include "store/value.h"

namespace riik::registry {

std::vector<store::TableSchema> NotificationTables();
// What a subscriber does with a new event, in the transaction that records it (the
// bank updates its customer's address); null: only recorded.
using EventHook = std::function<Status(store::WriteTxn& txn, const Json& event)>;
void AddNotificationRoutes(net::Router& router, RegistryContext& context, EventHook hook = nullptr);

// Subscribes `subscriber` to the population register's address changes through
// `exchange`, retrying every second in the background until it is accepted (the
// population register's security server may not be up yet) or the object goes.
class Subscription {
 public:
  Subscription(ExchangeCaller& exchange, std::string population_service);
  ~Subscription();
  bool done() const { return done_; }

 private:
  std::atomic<bool> done_{false}, stopping_{false};
  std::thread thread_;
};

}  // namespace riik::registry
