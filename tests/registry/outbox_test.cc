// Change propagation: events queued with the change, delivered in order through the
// exchange (here a stand-in security server on loopback), retried while the subscriber
// is down and caught up when it returns; received idempotently and in order.
#include "registry/outbox.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "net/server.h"
#include "registry/context.h"
#include "registry/notifications.h"
#include "store/row_fields.h"
#include "support/temp_dir.h"

namespace riik::registry {
namespace {

constexpr const char* kSource = "EE/GOV/70000013/population";
constexpr const char* kSubscriber = "EE/GOV/70000349/tax";

// A security server's consumer side, reduced to what the outbox uses: it relays POST
// /r1/<subscriber>/notify to the subscriber's notify route, or answers 503 while "down".
class StandIn {
 public:
  explicit StandIn(store::Store& subscriber_store) : context_{subscriber_store} {
    AddNotificationRoutes(subscriber_routes_, context_);
  }
  void Start(uint16_t port = 0) {
    net::Router router;
    router.AddAsync("POST", std::string("/r1/") + kSubscriber + "/notify",
                    [this](net::HttpRequest&& req, net::Responder respond) {
                      std::lock_guard lock(mu_);
                      calls_++;
                      req.path = "/notify";
                      req.headers.Set("Content-Type", "application/json");
                      subscriber_routes_.Dispatch(std::move(req), std::move(respond));
                    });
    net::ServerOptions o;
    o.port = port;
    auto s = net::HttpServer::Start(o, std::move(router));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }
  void Stop() { server_.reset(); }
  std::string url() const { return server_->url(); }
  uint16_t port() const { return server_->port(); }

 private:
  RegistryContext context_;
  net::Router subscriber_routes_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  int calls_ = 0;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    population_ = Open("population", Outbox::Tables());
    subscriber_ = Open("tax", NotificationTables());
  }
  std::unique_ptr<store::Store> Open(const std::string& name, const std::vector<store::TableSchema>& tables) {
    auto s = store::Store::Open({"sqlite:" + dir_ / (name + ".db"), name});
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE((*s)->EnsureTables(tables).ok());
    return std::move(*s);
  }
  // A change: the event queued in its own transaction, as address_change.cc does.
  void Change(const std::string& person, int n) {
    auto w = population_->Write([&](store::WriteTxn& txn) {
      return Outbox::Enqueue(txn, kSource, "address_changed", person, Json{{"person", person}, {"n", n}});
    });
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }
  std::vector<int64_t> Received() {
    auto rows = subscriber_->Query("SELECT seq FROM notifications ORDER BY seq");
    std::vector<int64_t> out;
    for (const auto& r : *rows) out.push_back(*store::IntField(r, "seq"));
    return out;
  }
  bool WaitFor(size_t n) {
    for (int i = 0; i < 500 && Received().size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return Received().size() >= n;
  }
  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> population_, subscriber_;
};

TEST_F(OutboxTest, OnlySubscribersGetEventsAndOnlyAtTheirOwnService) {
  Change("38001085718", 0);  // nobody subscribed yet: nothing queued
  EXPECT_TRUE(population_->Query("SELECT * FROM outbox")->empty());
  Status foreign = Outbox::Subscribe(*population_, kSubscriber, "address_changed", "EE/COM/10060701/bank/notify");
  EXPECT_EQ(foreign.code(), Code::kPermissionDenied);
  ASSERT_TRUE(
      Outbox::Subscribe(*population_, kSubscriber, "address_changed", std::string(kSubscriber) + "/notify").ok());
  Change("38001085718", 1);
  Change("49403136526", 2);
  auto queued = population_->Query("SELECT seq, person FROM outbox ORDER BY seq");
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ(*store::IntField((*queued)[1], "seq"), 2);
}

TEST_F(OutboxTest, EventsArriveInOrderAndASubscriberThatWasDownCatchesUp) {
  ASSERT_TRUE(
      Outbox::Subscribe(*population_, kSubscriber, "address_changed", std::string(kSubscriber) + "/notify").ok());
  StandIn ss(*subscriber_);
  ss.Start();
  const uint16_t port = ss.port();
  ExchangeCaller caller(ss.url(), kSource);
  Outbox outbox(*population_, caller, nullptr, std::chrono::milliseconds(300));
  Change("38001085718", 1);
  outbox.Wake();
  ASSERT_TRUE(WaitFor(1));

  ss.Stop();  // the subscriber's side goes down; changes keep coming
  for (int n = 2; n <= 5; ++n) Change("38001085718", n);
  outbox.Wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(Received().size(), 1u);
  EXPECT_EQ(outbox.Pending()[kSubscriber], 4);

  ss.Start(port);  // back: everything queued arrives, in order
  ASSERT_TRUE(WaitFor(5)) << Received().size();
  EXPECT_EQ(Received(), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  for (int i = 0; i < 100 && outbox.Pending()[kSubscriber] > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(outbox.Pending()[kSubscriber], 0);
}

TEST_F(OutboxTest, ReceivingIsIdempotentAndInOrder) {
  RegistryContext context{*subscriber_};
  net::Router routes;
  AddNotificationRoutes(routes, context);
  auto post = [&](const Json& body) {
    net::HttpRequest req;
    req.method = "POST";
    req.path = req.target = "/notify";
    req.headers.Add("Content-Type", "application/json");
    req.headers.Add("X-Road-Client", kSource);  // as the security server relays it
    req.body = body.dump();
    net::HttpResponse out;
    routes.Dispatch(std::move(req), net::Responder([&out](net::HttpResponse r) { out = std::move(r); }));
    return out;
  };
  Json event{{"source", kSource}, {"seq", 1}, {"event", "address_changed"}, {"person", "38001085718"}};
  EXPECT_EQ(post(event).status, 200);
  auto again = post(event);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(ParseJson(again.body)->value("duplicate", false), true);
  event["seq"] = 3;
  auto gap = post(event);
  EXPECT_EQ(gap.status, 409);
  EXPECT_NE(gap.body.find("the next is 2"), std::string::npos) << gap.body;
  event["person"] = "38001085719";
  event["seq"] = 2;
  EXPECT_EQ(post(event).status, 400);
  // An event claiming another source than the caller's is refused, and takes no seq.
  event["person"] = "38001085718";
  event["source"] = "EE/GOV/70000349/tax";
  auto forged = post(event);
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("but was sent by EE/GOV/70000013/population"), std::string::npos) << forged.body;
  EXPECT_EQ(Received(), std::vector<int64_t>{1});
}

}  // namespace
}  // namespace riik::registry
