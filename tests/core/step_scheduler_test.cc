// StepScheduler: no more threads than steps nor than asked for, one step never on two
// threads at once while different steps run side by side, the times steps ask for kept
// by Wake and overridden by WakeNow (which never loses a step its turn), Remove waiting
// for a running step and taking one that keeps asking for now, one shared scheduler per
// name while someone holds it, and a step that waits behind threads stuck in other steps
// for longer than the stall limit getting a thread of its own (but not sooner, and never
// for a step that is itself stuck).
#include "core/step_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace riik {
namespace {

using namespace std::chrono_literals;
using SchedulerClock = StepScheduler::Clock;

// Waits up to 10 s (sanitizer builds on a busy machine) for `done`.
template <typename Predicate>
bool Eventually(Predicate done) {
  for (auto until = SchedulerClock::now() + 10s; SchedulerClock::now() < until; std::this_thread::sleep_for(1ms)) {
    if (done()) return true;
  }
  return done();
}

TEST(StepSchedulerTest, StartsNoMoreThreadsThanStepsOrTheLimit) {
  StepScheduler scheduler(3);
  EXPECT_EQ(scheduler.threads(), 0u);
  std::vector<uint64_t> ids;
  ids.push_back(scheduler.Add([] { return std::nullopt; }));
  EXPECT_EQ(scheduler.threads(), 1u);
  for (int i = 0; i < 4; ++i) ids.push_back(scheduler.Add([] { return std::nullopt; }));
  EXPECT_EQ(scheduler.threads(), 3u);
  for (uint64_t id : ids) scheduler.Remove(id);
}

TEST(StepSchedulerTest, OneStepNeverRunsOnTwoThreadsAtOnce) {
  StepScheduler scheduler(4);
  std::atomic<int> inside{0}, runs{0};
  std::atomic<bool> overlapped{false};
  const uint64_t id = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    if (++inside > 1) overlapped = true;
    std::this_thread::sleep_for(200us);
    --inside;
    ++runs;
    return std::nullopt;
  });
  // Three more steps so that four threads are there to take it.
  std::vector<uint64_t> others;
  for (int i = 0; i < 3; ++i) others.push_back(scheduler.Add([] { return std::nullopt; }));
  ASSERT_EQ(scheduler.threads(), 4u);
  std::vector<std::thread> wakers;
  for (int t = 0; t < 4; ++t) {
    wakers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) (i % 2 ? scheduler.WakeNow(id) : scheduler.Wake(id));
    });
  }
  for (std::thread& t : wakers) t.join();
  EXPECT_TRUE(Eventually([&] { return runs.load() > 0 && inside.load() == 0; }));
  scheduler.Remove(id);
  for (uint64_t other : others) scheduler.Remove(other);
  EXPECT_FALSE(overlapped);
}

TEST(StepSchedulerTest, DifferentStepsRunSideBySide) {
  StepScheduler scheduler(2);
  std::promise<void> b_ran;
  std::shared_future<void> b_done = b_ran.get_future().share();
  std::atomic<bool> a_saw_b{false};
  std::promise<void> a_ran;
  const uint64_t a = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    a_saw_b = b_done.wait_for(10s) == std::future_status::ready;  // only if B runs meanwhile
    a_ran.set_value();
    return std::nullopt;
  });
  const uint64_t b = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    b_ran.set_value();
    return std::nullopt;
  });
  scheduler.Wake(a);
  scheduler.Wake(b);
  a_ran.get_future().wait();
  scheduler.Remove(a);
  scheduler.Remove(b);
  EXPECT_TRUE(a_saw_b);
}

TEST(StepSchedulerTest, WakeKeepsTheTimeAStepAskedForAndWakeNowDoesNot) {
  StepScheduler scheduler(1);
  std::atomic<int> runs{0};
  const uint64_t id = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    ++runs;
    return SchedulerClock::now() + 1h;  // an interval, a backoff
  });
  // A second step on the one thread: once it has run, the first has returned its time.
  std::atomic<bool> barrier_ran{false};
  const uint64_t barrier = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    barrier_ran = true;
    return std::nullopt;
  });
  scheduler.Wake(id);
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  scheduler.Wake(barrier);
  ASSERT_TRUE(Eventually([&] { return barrier_ran.load(); }));
  scheduler.Wake(id);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 1) << "Wake ran a step before the time it asked for";
  scheduler.WakeNow(id);
  EXPECT_TRUE(Eventually([&] { return runs.load() == 2; }));
  scheduler.Remove(id);
  scheduler.Remove(barrier);
}

TEST(StepSchedulerTest, RemoveTakesAStepThatKeepsAskingForNow) {
  StepScheduler scheduler(1);
  std::atomic<int> runs{0};
  const uint64_t id = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    ++runs;
    return SchedulerClock::now();
  });
  scheduler.Wake(id);
  ASSERT_TRUE(Eventually([&] { return runs.load() > 10; }));
  scheduler.Remove(id);  // returns, and the step runs no more
  const int after = runs.load();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs.load(), after);
}

// A step woken now while it waits its turn behind others keeps its place: WakeNow never
// moves it after steps due later.
TEST(StepSchedulerTest, WakeNowKeepsAnEarlierTurn) {
  StepScheduler scheduler(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocker_started{false};
  std::vector<char> order;
  std::mutex order_mu;
  auto note = [&](char c) {
    std::lock_guard lock(order_mu);
    order.push_back(c);
  };
  const uint64_t blocker = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    blocker_started = true;
    released.wait();
    return std::nullopt;
  });
  const uint64_t a = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    note('a');
    return std::nullopt;
  });
  const uint64_t b = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    note('b');
    return std::nullopt;
  });
  scheduler.Wake(blocker);
  ASSERT_TRUE(Eventually([&] { return blocker_started.load(); }));
  scheduler.Wake(a);  // due first
  std::this_thread::sleep_for(2ms);
  scheduler.Wake(b);
  std::this_thread::sleep_for(2ms);
  scheduler.WakeNow(a);  // already due: keeps its turn before b
  release.set_value();
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(order_mu);
    return order.size() == 2;
  }));
  EXPECT_EQ(std::string(order.begin(), order.end()), "ab");
  for (uint64_t id : {blocker, a, b}) scheduler.Remove(id);
}

TEST(StepSchedulerTest, RunsAStepAgainAtTheTimeItAskedFor) {
  StepScheduler scheduler(1);
  std::atomic<int> runs{0};
  const uint64_t id = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    return ++runs < 3 ? std::optional(SchedulerClock::now() + 5ms) : std::nullopt;
  });
  scheduler.Wake(id);
  EXPECT_TRUE(Eventually([&] { return runs.load() == 3; }));
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(runs.load(), 3) << "a step that asked for nothing ran again unwoken";
  scheduler.Remove(id);
}

TEST(StepSchedulerTest, RemoveWaitsForTheRunningStep) {
  StepScheduler scheduler(1);
  std::promise<void> started;
  std::atomic<bool> finished{false};
  const uint64_t id = scheduler.Add([&]() -> std::optional<SchedulerClock::time_point> {
    started.set_value();
    std::this_thread::sleep_for(50ms);
    finished = true;
    return std::nullopt;
  });
  scheduler.Wake(id);
  started.get_future().wait();
  scheduler.Remove(id);
  EXPECT_TRUE(finished);
}

TEST(StepSchedulerTest, SharedIsOnePerNameWhileHeld) {
  std::shared_ptr<StepScheduler> a = StepScheduler::Shared("step scheduler test", 2);
  std::shared_ptr<StepScheduler> b = StepScheduler::Shared("step scheduler test", 2);
  std::shared_ptr<StepScheduler> other = StepScheduler::Shared("another step scheduler test", 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  std::weak_ptr<StepScheduler> held = a;
  a.reset();
  b.reset();
  EXPECT_TRUE(held.expired()) << "the last owner let go, and the scheduler (its threads) stayed";
  EXPECT_TRUE(StepScheduler::Shared("step scheduler test", 2));
}

// Steps for the stall tests: one that stays inside until released, one that counts; and
// the clock the stall limit is measured with, moved on by hand.
struct StuckAndWaiting {
  std::promise<void> release_promise;
  std::shared_future<void> release = release_promise.get_future().share();
  std::atomic<bool> stuck_inside{false};
  std::atomic<int> other_runs{0};
  std::atomic<int64_t> skipped_s{0};
  uint64_t stuck = 0, other = 0;

  StepScheduler::Now Now() {
    return [this] { return SchedulerClock::now() + std::chrono::seconds(skipped_s.load()); };
  }
  void AddTo(StepScheduler& scheduler) {
    stuck = scheduler.Add([this]() -> std::optional<SchedulerClock::time_point> {
      stuck_inside = true;
      release.wait();
      return std::nullopt;
    });
    other = scheduler.Add([this]() -> std::optional<SchedulerClock::time_point> {
      ++other_runs;
      return std::nullopt;
    });
  }
  void StartStuck(StepScheduler& scheduler) {
    scheduler.Wake(stuck);
    ASSERT_TRUE(Eventually([&] { return stuck_inside.load(); }));
  }
  void Finish(StepScheduler& scheduler) {
    release_promise.set_value();
    scheduler.Remove(stuck);
    scheduler.Remove(other);
  }
};

TEST(StepSchedulerTest, AStepWaitingBehindAStuckOneGetsAThreadPastTheStallLimitOnly) {
  StuckAndWaiting steps;
  StepScheduler scheduler(1, 1h, "stall test", steps.Now());
  steps.AddTo(scheduler);
  steps.StartStuck(scheduler);
  // Within the limit: it waits for the one thread, however often it is checked.
  scheduler.Wake(steps.other);
  scheduler.CheckStalls();
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(steps.other_runs.load(), 0) << "a thread was added within the stall limit";
  EXPECT_EQ(scheduler.threads(), 1u);
  // Past it, a check (a node's housekeeping makes them) gives it a thread, though
  // nothing woke it again; the thread ends once nothing is due.
  steps.skipped_s = 2 * 3600;
  scheduler.CheckStalls();
  EXPECT_TRUE(Eventually([&] { return steps.other_runs.load() == 1; }));
  EXPECT_TRUE(Eventually([&] { return scheduler.threads() == 1; })) << "the added thread stayed";
  // Woken again while the stuck step still is: the wake's own check adds one again.
  scheduler.Wake(steps.other);
  EXPECT_TRUE(Eventually([&] { return steps.other_runs.load() == 2; }));
  steps.Finish(scheduler);
  EXPECT_TRUE(Eventually([&] { return scheduler.threads() == 1; }));
}

TEST(StepSchedulerTest, NoThreadIsAddedForAStuckStepItselfNorWithoutALimit) {
  {
    StuckAndWaiting steps;
    StepScheduler scheduler(1, 1h, "stall test", steps.Now());
    steps.AddTo(scheduler);
    steps.StartStuck(scheduler);
    steps.skipped_s = 2 * 3600;
    scheduler.Wake(steps.stuck);  // due again while inside: another thread would not help it
    scheduler.CheckStalls();
    EXPECT_EQ(scheduler.threads(), 1u);
    steps.Finish(scheduler);
  }
  StuckAndWaiting steps;
  StepScheduler unlimited(1, SchedulerClock::duration::zero(), "no limit", steps.Now());
  steps.AddTo(unlimited);
  steps.StartStuck(unlimited);
  steps.skipped_s = 2 * 3600;
  unlimited.Wake(steps.other);
  unlimited.CheckStalls();
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(unlimited.threads(), 1u);
  EXPECT_EQ(steps.other_runs.load(), 0);
  steps.release_promise.set_value();
  EXPECT_TRUE(Eventually([&] { return steps.other_runs.load() == 1; })) << "it ran once the stuck step let go";
  unlimited.Remove(steps.stuck);
  unlimited.Remove(steps.other);
}

TEST(StepSchedulerTest, CheckSharedStallsReachesTheSharedSchedulers) {
  // A shared scheduler measures with the real clock: a short limit, waited out.
  EXPECT_FALSE(StepScheduler::AnySharedWithStallLimit());
  std::shared_ptr<StepScheduler> unlimited = StepScheduler::Shared("no stall limit", 1);
  EXPECT_FALSE(StepScheduler::AnySharedWithStallLimit());
  std::shared_ptr<StepScheduler> shared = StepScheduler::Shared("stall test scheduler", 1, 100ms);
  EXPECT_TRUE(StepScheduler::AnySharedWithStallLimit());
  StuckAndWaiting steps;
  steps.AddTo(*shared);
  steps.StartStuck(*shared);
  shared->Wake(steps.other);  // within the limit (unless this machine paused for 100 ms)
  std::this_thread::sleep_for(150ms);
  StepScheduler::CheckSharedStalls();
  EXPECT_TRUE(Eventually([&] { return steps.other_runs.load() == 1; }));
  steps.Finish(*shared);
}

}  // namespace
}  // namespace riik
