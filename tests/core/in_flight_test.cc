// A bound on work waiting or running: past it, a caller is told at once.
#include "core/in_flight.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace riik {
namespace {

TEST(InFlightTest, TakesUpToItsLimitAndAPlaceGivenBackIsTakenAgain) {
  InFlight bound(2);
  EXPECT_TRUE(bound.Enter());
  EXPECT_TRUE(bound.Enter());
  EXPECT_FALSE(bound.Enter());
  EXPECT_EQ(bound.count(), 2u);  // a refused caller leaves nothing behind
  bound.Leave();
  EXPECT_TRUE(bound.Enter());
}

TEST(InFlightTest, APlaceHeldByATaskIsGivenBackHoweverTheTaskEnds) {
  InFlight bound(1);
  auto task = [&](bool fail) {
    LeaveOnExit done(bound);
    if (fail) throw std::runtime_error("the task failed");
  };
  ASSERT_TRUE(bound.Enter());
  EXPECT_THROW(task(true), std::runtime_error);
  EXPECT_EQ(bound.count(), 0u);
  ASSERT_TRUE(bound.Enter());
  task(false);
  EXPECT_EQ(bound.count(), 0u);
}

TEST(InFlightTest, ManyThreadsNeverTakeMoreThanTheLimit) {
  InFlight bound(5);
  std::atomic<int> taken{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!bound.Enter()) continue;
        int now = ++taken;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        --taken;
        bound.Leave();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 5);
  EXPECT_EQ(bound.count(), 0u);
}

}  // namespace
}  // namespace riik
