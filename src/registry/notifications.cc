// Receiving change notifications, and subscribing.
#include "registry/notifications.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "identity/personal_code.h"
#include "registry/personal_route.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kNotifications = "notifications";

// `caller`: the subsystem the security server authenticated (X-Road-Client), the only
// source an event may claim.
Result<Json> Receive(store::Store& store, const Json& event, const EventHook& hook, const std::string& caller) {
  if (!event.is_object() || !event.contains("source") || !event["source"].is_string() || !event.contains("seq") ||
      !event["seq"].is_number_integer() || !event.contains("person") || !event["person"].is_string() ||
      !event.contains("event") || !event["event"].is_string()) {
    return InvalidArgument("an event is an object with source, seq, event and person");
  }
  const std::string source = event["source"].get<std::string>(), person = event["person"].get<std::string>();
  const int64_t seq = event["seq"].get<int64_t>();
  if (caller.empty()) return PermissionDenied("a notification comes through the exchange, which names its sender");
  if (source != caller) {
    return PermissionDenied("the event says it is from " + source.substr(0, 100) + " but was sent by " + caller);
  }
  if (auto code = identity::PersonalCode::Parse(person); !code.ok())
    return InvalidArgument("person: " + code.status().message());
  ASSIGN_OR_RETURN(std::string text, CanonicalJson(event));
  bool duplicate = false;
  RETURN_IF_ERROR(
      store
          .Write([&](store::WriteTxn& txn) -> Status {
            ASSIGN_OR_RETURN(auto seen, txn.Get(kNotifications, {{"source", source}, {"seq", seq}}));
            if (seen) {
              duplicate = true;
              return OkStatus();
            }
            ASSIGN_OR_RETURN(auto last,
                             txn.Query("SELECT MAX(seq) AS seq FROM notifications WHERE source = ?", {source}));
            const int64_t expected = (last.empty() ? 0 : store::IntField(last[0], "seq").value_or(0)) + 1;
            if (seq != expected) {
              return FailedPrecondition("event " + std::to_string(seq) + " from " + source +
                                        " is out of order: the next is " + std::to_string(expected));
            }
            RETURN_IF_ERROR(txn.Put(
                kNotifications,
                {{"source", source}, {"seq", seq}, {"person", person}, {"event", text}, {"received_us", NowMicros()}}));
            return hook ? hook(txn, event) : OkStatus();
          })
          .status());
  return Json{{"received", seq}, {"duplicate", duplicate}};
}

}  // namespace

std::vector<store::TableSchema> NotificationTables() {
  return {{kNotifications,
           {{"source", ColumnType::kText},
            {"seq", ColumnType::kInt},
            {"person", ColumnType::kText},
            {"event", ColumnType::kText},
            {"received_us", ColumnType::kInt}},
           {"source", "seq"},
           {{"person"}}}};
}

void AddNotificationRoutes(net::Router& router, RegistryContext& context, EventHook hook) {
  router.AddAsync(
      "POST", "/notify",
      [&context, hook](net::HttpRequest&& req, net::Responder respond) {
        auto event = ParseJson(req.body);
        if (!event.ok()) return respond(net::ErrorResponse(event.status()));
        std::string caller(req.headers.Get("X-Road-Client"));
        AnswerOnWorker(context, std::move(respond), [&context, hook, e = std::move(*event), caller] {
          auto received = Receive(context.store, e, hook, caller);
          return received.ok() ? net::JsonResponse(*received) : net::ErrorResponse(received.status());
        });
      },
      "application/json");
  AddPersonalRoute(router, context, "GET", "/notifications/{code}", "notifications", {"address changes received"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto rows = c.store.Query("SELECT event FROM notifications WHERE person = ? ORDER BY source, seq",
                                               {inquiry.person});
                     if (!rows.ok()) return net::ErrorResponse(rows.status());
                     Json events = Json::array();
                     for (const Row& r : *rows) {
                       auto event = ParseJson(TextOr(r, "event"));
                       events.push_back(event.ok() ? *event : Json());
                     }
                     return net::JsonResponse({{"person", inquiry.person}, {"events", events}});
                   });
}

Subscription::Subscription(ExchangeCaller& exchange, std::string population_service)
    : thread_([this, &exchange, service = std::move(population_service)] {
        Json request{{"event", "address_changed"}, {"notify", exchange.client_id() + "/notify"}};
        for (int attempt = 0; !stopping_; ++attempt) {
          auto answer = exchange.Post(service, "", request, {"", "subscribing to address changes"});
          if (answer.ok()) {
            done_ = true;
            spdlog::info("{} subscribed to address changes at {}", exchange.client_id(), service);
            return;
          }
          if (attempt == 10)
            spdlog::warn("{}: subscribing at {} fails: {}", exchange.client_id(), service, answer.status().message());
          for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }) {}

Subscription::~Subscription() {
  stopping_ = true;
  thread_.join();
}

}  // namespace riik::registry
