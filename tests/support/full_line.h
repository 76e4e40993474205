// A role's waiting line (core/waiting_line.h) filled in a test: the pool its requests wait
// for is held, one request takes the line's only place (the role runs with the line's
// setting at 1), /metrics shows it waiting, and the next request is answered at once,
// not taken. Released, the pool answers the one that waited. One use per FullLine.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "core/metrics.h"
#include "core/thread_pool.h"
#include "net/client.h"

namespace riik::testing {

// Waits (up to 10 s) until /metrics shows `n` waiting in `role`'s line `queue`.
inline bool Waiting(const std::string& role, const std::string& queue, int64_t n) {
  Gauge& waiting = Metrics().GetGauge("riik_queue_waiting", "", {{"role", role}, {"queue", queue}});
  for (int i = 0; i < 1000 && waiting.value() != n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return waiting.value() == n;
}

class FullLine {
 public:
  FullLine(ThreadPool& pool, std::string role, std::string queue)
      : pool_(pool), role_(std::move(role)), queue_(std::move(queue)) {}
  // Frees the pool before waiting for the request that waited: a failed assertion does
  // not leave the test stuck.
  ~FullLine() {
    Release();
    if (queued_.valid()) queued_.wait();
  }

  // Holds every thread of the pool (a few: node.h) until Answered(), or the end. For a
  // line whose own threads wait on something that waits for this pool, before Refused.
  void Hold() {
    if (held_) return;
    std::shared_future<void> released = release_.get_future().share();
    for (int i = 0; i < 64; ++i) pool_.Submit([released] { released.wait(); });
    held_ = true;
  }

  // Holds the pool, sends one request with `send` to take the line's one place, and once
  // /metrics shows it waiting, another: its answer, which must say when to try again and
  // must not be cached. Nothing if the first never showed in /metrics or the second got
  // no answer.
  template <typename Send>
  std::optional<net::HttpResponse> Refused(Send send) {
    Hold();
    queued_ = std::async(std::launch::async, send);
    if (!Waiting(role_, queue_, 1)) {
      ADD_FAILURE() << "no " << queue_ << " request waited for the pool";
      return std::nullopt;
    }
    Result<net::HttpResponse> refused = send();
    if (!refused.ok()) {
      ADD_FAILURE() << refused.status().ToString();
      return std::nullopt;
    }
    EXPECT_EQ(refused->headers.Get("Retry-After"), "1");
    EXPECT_EQ(refused->headers.Get("Cache-Control"), "no-store");
    return std::move(*refused);
  }

  // Frees the pool: the answer to the request that waited, and the line empty again.
  Result<net::HttpResponse> Answered() {
    Release();
    if (!queued_.valid()) return FailedPrecondition("no request waited");
    Result<net::HttpResponse> answer = queued_.get();
    EXPECT_TRUE(Waiting(role_, queue_, 0)) << queue_ << " still shows a request waiting";
    return answer;
  }

 private:
  void Release() {
    if (held_) release_.set_value();
    held_ = false;
  }

  ThreadPool& pool_;
  const std::string role_, queue_;
  std::promise<void> release_;
  bool held_ = false;
  std::future<Result<net::HttpResponse>> queued_;
};

}  // namespace riik::testing
