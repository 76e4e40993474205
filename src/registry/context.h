// What a registry's services work with: its store, a caller into the exchange for what
// other registries hold, and worker threads for answers that wait on such calls (the
// network threads never block).
#pragma once

#include <functional>
#include <string>

#include "core/thread_pool.h"
#include "net/router.h"
#include "registry/exchange_caller.h"
#include "store/store.h"
#include "tracker/tracker.h"

namespace riik::registry {

struct RegistryContext {
  store::Store& store;
  ExchangeCaller* exchange = nullptr;   // null: the registry calls no one (services needing it answer 503)
  ThreadPool* workers = nullptr;        // answers run here (null: at once, on the calling thread)
  tracker::Tracker* tracker = nullptr;  // null: accesses are not recorded (tests, a registry without a key)
  class Outbox* outbox = nullptr;       // the population register's: woken after a change
  std::string registry_id;              // the registry's subsystem, e.g. EE/GOV/70000013/population
  std::string operator_token;           // the operator's bearer token for operator routes (empty: none may)
  // The signature validation service signed documents are checked with, through the
  // exchange (the tax board: signed returns), e.g. EE/GOV/70006317/sign/validate.
  std::string validation_service;
};

// Answers with `answer()` run on a worker (at once on this thread without workers).
void AnswerOnWorker(RegistryContext& context, net::Responder respond, std::function<net::HttpResponse()> answer);

}  // namespace riik::registry
