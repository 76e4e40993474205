// ClientPool's asynchronous side under a fan-out: requests beyond the per-loop cap wait
// their turn on the connections there are, instead of each opening one (a server caps
// connections per address and would refuse the rest).
#include "net/client_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "net/event_loops.h"
#include "net/server.h"

namespace riik::net {
namespace {

TEST(ClientPoolTest, AFanOutWaitsForTheLoopsConnectionsInsteadOfOpeningOneEach) {
  std::atomic<int> in_flight{0}, most{0};
  Router router;
  router.AddAsync("GET", "/work", [&](HttpRequest&&, Responder respond) {
    int now = ++in_flight;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::thread([&in_flight, respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --in_flight;
      respond(JsonResponse(Json{{"ok", true}}));
    }).detach();
  });
  ServerOptions options;
  options.threads = 2;
  options.max_connections_per_address = 40;  // more than the pool's cap, far fewer than the requests
  auto server = HttpServer::Start(options, std::move(router));
  ASSERT_TRUE(server.ok()) << server.status().ToString();

  auto loops = EventLoops::Start(1);
  ClientPool pool({});
  constexpr int kRequests = 200;
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0, failed = 0;
  std::string url = (*server)->url();
  Post(loops->loop(0), [&] {
    for (int i = 0; i < kRequests; ++i) {
      pool.SendAsync(url, "GET", "/work", {}, "", "", [&](Result<HttpResponse> r) {
        std::lock_guard lock(mu);
        ++answered;
        if (!r.ok() || r->status != 200) ++failed;
        cv.notify_all();
      });
    }
  });
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return answered == kRequests; }));
  EXPECT_EQ(failed, 0) << "requests refused: the pool opened more connections than the server allows";
  EXPECT_LE(most.load(), static_cast<int>(ClientPool::kMaxConnectionsPerLoop));
  EXPECT_GE(most.load(), 8) << "the requests did not run side by side";
  lock.unlock();
  loops->Stop();
}

}  // namespace
}  // namespace riik::net
