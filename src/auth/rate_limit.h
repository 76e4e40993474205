// Failed sign-ins counted per key (a person's pseudonym, a client) in a sliding window:
// once `max_failures` fall within `window`, that key is refused until the oldest
// failure leaves the window. Successes do not clear the count (an attacker must not be
// able to reset it by signing in as themselves).
//
// Thread-safe; memory is bounded by `max_keys` (the oldest keys are forgotten first).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace riik::auth {

class FailureLimiter {
 public:
  FailureLimiter(int max_failures, std::chrono::seconds window, Clock clock = SystemClock(), size_t max_keys = 100'000)
      : max_failures_(max_failures),
        window_us_(window.count() * 1'000'000),
        clock_(std::move(clock)),
        max_keys_(max_keys) {}

  // Whether `key` may try now.
  bool Allowed(const std::string& key);
  void RecordFailure(const std::string& key);

 private:
  void ForgetOld(std::deque<UnixMicros>& times, UnixMicros now) const;
  int max_failures_;
  int64_t window_us_;
  Clock clock_;
  size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, std::deque<UnixMicros>> failures_;
};

}  // namespace riik::auth
