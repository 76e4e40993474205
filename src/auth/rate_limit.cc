// Sliding-window failure counts (rate_limit.h).
#include "auth/rate_limit.h"

namespace riik::auth {

void FailureLimiter::ForgetOld(std::deque<UnixMicros>& times, UnixMicros now) const {
  while (!times.empty() && times.front() <= now - window_us_) times.pop_front();
}

bool FailureLimiter::Allowed(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return true;
  ForgetOld(it->second, clock_());
  if (it->second.empty()) {
    failures_.erase(it);
    return true;
  }
  return static_cast<int>(it->second.size()) < max_failures_;
}

void FailureLimiter::RecordFailure(const std::string& key) {
  std::lock_guard lock(mu_);
  UnixMicros now = clock_();
  if (failures_.size() >= max_keys_ && !failures_.contains(key)) {
    // Forget keys whose failures have all left the window; if none, the first key.
    for (auto it = failures_.begin(); it != failures_.end();) {
      ForgetOld(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= max_keys_) failures_.erase(failures_.begin());
  }
  auto& times = failures_[key];
  ForgetOld(times, now);
  times.push_back(now);
  if (times.size() > static_cast<size_t>(max_failures_) * 2) times.pop_front();
}

}  // namespace riik::auth
