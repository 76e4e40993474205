// The outbox: queueing events with changes, subscriptions, in-order delivery with retries.
#include "registry/outbox.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kOutbox = "outbox";
const std::string kSubscriptions = "subscriptions";
constexpr int kBatch = 100;

}  // namespace

std::vector<store::TableSchema> Outbox::Tables() {
  return {
      // delivered_us: NULL until the subscriber acknowledged the event.
      {kOutbox,
       {{"subscriber", ColumnType::kText},
        {"seq", ColumnType::kInt},
        {"person", ColumnType::kText},
        {"event", ColumnType::kText},
        {"created_us", ColumnType::kInt},
        {"delivered_us", ColumnType::kInt, true}},
       {"subscriber", "seq"},
       {{"subscriber", "delivered_us"}}},
      {kSubscriptions,
       {{"subscriber", ColumnType::kText},
        {"kind", ColumnType::kText},
        {"notify", ColumnType::kText},
        {"since_us", ColumnType::kInt}},
       {"subscriber", "kind"},
       {}},
  };
}

Status Outbox::Enqueue(store::WriteTxn& txn, const std::string& source, const std::string& kind,
                       const std::string& person, Json event) {
  ASSIGN_OR_RETURN(auto subscribers, txn.Query("SELECT subscriber FROM subscriptions WHERE kind = ?", {kind}));
  for (const Row& s : subscribers) {
    const std::string subscriber = TextOr(s, "subscriber");
    ASSIGN_OR_RETURN(auto last, txn.Query("SELECT MAX(seq) AS seq FROM outbox WHERE subscriber = ?", {subscriber}));
    const int64_t seq = (last.empty() ? 0 : store::IntField(last[0], "seq").value_or(0)) + 1;
    Json numbered = event;
    numbered["source"] = source;
    numbered["event"] = kind;
    numbered["seq"] = seq;
    ASSIGN_OR_RETURN(std::string text, CanonicalJson(numbered));
    RETURN_IF_ERROR(txn.Put(kOutbox, {{"subscriber", subscriber},
                                      {"seq", seq},
                                      {"person", person},
                                      {"event", text},
                                      {"created_us", NowMicros()},
                                      {"delivered_us", std::monostate{}}}));
  }
  return OkStatus();
}

Status Outbox::Subscribe(store::Store& store, const std::string& subscriber, const std::string& kind,
                         const std::string& notify) {
  if (notify.rfind(subscriber + "/", 0) != 0 || notify.find('/', subscriber.size() + 1) != std::string::npos) {
    return PermissionDenied("events are sent only to the subscriber's own service: " + subscriber + "/SERVICE, not " +
                            notify);
  }
  return store
      .Write([&](store::WriteTxn& txn) {
        return txn.Put(kSubscriptions,
                       {{"subscriber", subscriber}, {"kind", kind}, {"notify", notify}, {"since_us", NowMicros()}});
      })
      .status();
}

Outbox::Outbox(store::Store& store, ExchangeCaller& exchange, tracker::Tracker* tracker,
               std::chrono::milliseconds retry_max)
    : store_(store), exchange_(exchange), tracker_(tracker), retry_max_(retry_max), thread_([this] { Loop(); }) {}

Outbox::~Outbox() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Outbox::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

std::map<std::string, int64_t> Outbox::Pending() {
  std::map<std::string, int64_t> out;
  auto rows =
      store_.Query("SELECT subscriber, COUNT(*) AS n FROM outbox WHERE delivered_us IS NULL GROUP BY subscriber");
  if (rows.ok()) {
    for (const Row& r : *rows) out[TextOr(r, "subscriber")] = store::IntField(r, "n").value_or(0);
  }
  return out;
}

Status Outbox::DeliverTo(const std::string& subscriber, const std::string& notify) {
  ASSIGN_OR_RETURN(auto queued,
                   store_.Query("SELECT seq, person, event FROM outbox WHERE subscriber = ? AND delivered_us IS NULL "
                                "ORDER BY seq LIMIT " +
                                    std::to_string(kBatch),
                                {subscriber}));
  for (const Row& row : queued) {
    const int64_t seq = store::IntField(row, "seq").value_or(0);
    ASSIGN_OR_RETURN(Json event, ParseJson(TextOr(row, "event")));
    auto sent = exchange_.Post(notify, "", event, {"", "change notification: " + event.value("event", std::string())});
    if (!sent.ok()) return sent.status().WithContext("event " + std::to_string(seq) + " to " + subscriber);
    if (tracker_ != nullptr) {
      tracker::AccessRecord access{TextOr(row, "person"),
                                   tracker_->registry(),
                                   event.value("event", std::string()),
                                   {"the new address"},
                                   subscriber,
                                   "",
                                   "change notification (subscription)",
                                   sent->xroad_id,
                                   NowMicros()};
      RETURN_IF_ERROR(tracker_->Record(access).WithContext("recording the notification in the data tracker"));
    }
    RETURN_IF_ERROR(store_
                        .Write([&](store::WriteTxn& txn) -> Status {
                          ASSIGN_OR_RETURN(auto r, txn.Get(kOutbox, {{"subscriber", subscriber}, {"seq", seq}}));
                          if (!r) return OkStatus();
                          Row done = *r;
                          done["delivered_us"] = NowMicros();
                          return txn.Put(kOutbox, done);
                        })
                        .status());
  }
  return OkStatus();
}

void Outbox::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return wake_ || stopping_; });
      if (stopping_) return;
      wake_ = false;
    }
    // One notify service per subscriber: events of every kind it subscribed to, in one
    // sequence. Only subscribers with events waiting: an idle outbox costs one query a tick.
    auto subscriptions = store_.Query(
        "SELECT s.subscriber, MIN(s.notify) AS notify FROM subscriptions s WHERE EXISTS (SELECT 1 FROM outbox o "
        "WHERE o.subscriber = s.subscriber AND o.delivered_us IS NULL) GROUP BY s.subscriber ORDER BY s.subscriber");
    if (!subscriptions.ok()) continue;
    const auto now = std::chrono::steady_clock::now();
    for (const Row& s : *subscriptions) {
      const std::string subscriber = TextOr(s, "subscriber");
      auto& [next_try, delay] = backoff_[subscriber];
      if (now < next_try) continue;
      Status st = DeliverTo(subscriber, TextOr(s, "notify"));
      if (st.ok()) {
        delay = std::chrono::milliseconds(0);
        continue;
      }
      delay = std::min(retry_max_, std::max(std::chrono::milliseconds(200), delay * 2));
      next_try = now + delay;
      spdlog::warn("outbox: {} is not answering ({}); retrying in {} ms", subscriber, st.message(), delay.count());
    }
  }
}

}  // namespace riik::registry
