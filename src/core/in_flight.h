// A bound on work waiting: requests queued for a pool of threads, each holding its body in
// memory and delaying everything queued behind it. Enter takes a place if fewer than
// `limit` are taken (the caller answers "busy" at once otherwise, rather than queueing
// without end); Leave gives it back: when the task starts, to bound what waits, or when
// it ends, to bound what waits and runs. Thread-safe.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>

namespace riik {

class InFlight {
 public:
  explicit InFlight(size_t limit) : limit_(limit) {}
  bool Enter() {
    if (n_.fetch_add(1) < limit_) return true;
    n_.fetch_sub(1);
    return false;
  }
  // A Leave without its Enter is a bug; it never takes the count below zero (which would
  // leave the bound refusing everyone for good).
  void Leave() {
    size_t n = n_.load();
    while (n > 0 && !n_.compare_exchange_weak(n, n - 1)) {
    }
    assert(n > 0 && "InFlight::Leave without Enter");
  }
  size_t count() const { return n_.load(); }

 private:
  const size_t limit_;
  std::atomic<size_t> n_{0};
};

// Gives a place back when it goes out of scope: for a task that may end by more than one
// way. Made inside the task (a task in a std::function must be copyable, this is not).
class LeaveOnExit {
 public:
  explicit LeaveOnExit(InFlight& bound) : bound_(bound) {}
  ~LeaveOnExit() { bound_.Leave(); }
  LeaveOnExit(const LeaveOnExit&) = delete;
  LeaveOnExit& operator=(const LeaveOnExit&) = delete;

 private:
  InFlight& bound_;
};

}  // namespace riik
