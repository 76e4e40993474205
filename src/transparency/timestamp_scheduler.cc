// The process's timestamping thread.
#include "transparency/timestamp_scheduler.h"

namespace riik::transparency {

std::shared_ptr<TimestampScheduler> TimestampScheduler::Shared() {
  static std::mutex mu;
  static std::weak_ptr<TimestampScheduler> shared;
  std::lock_guard lock(mu);
  std::shared_ptr<TimestampScheduler> s = shared.lock();
  if (!s) {
    s.reset(new TimestampScheduler());
    shared = s;
  }
  return s;
}

TimestampScheduler::TimestampScheduler() : thread_([this] { Run(); }) {}

TimestampScheduler::~TimestampScheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t TimestampScheduler::Add(Step step) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  entries_.emplace(id, Entry{std::move(step), std::nullopt});
  return id;
}

void TimestampScheduler::Wake(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    // A step that waits out its interval or a backoff keeps its time: it takes the new
    // head then.
    if (!it->second.due) it->second.due = Clock::now();
  }
  cv_.notify_all();
}

void TimestampScheduler::Remove(uint64_t id) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return running_ != id; });
  entries_.erase(id);
}

void TimestampScheduler::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    // The step due first.
    auto first = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.due && (first == entries_.end() || *it->second.due < *first->second.due)) first = it;
    }
    if (first == entries_.end()) {
      cv_.wait(lock);
      continue;
    }
    // A copy: the entry may go (Remove) while this waits.
    const Clock::time_point due = *first->second.due;
    if (due > Clock::now()) {
      cv_.wait_until(lock, due);
      continue;
    }
    const uint64_t id = first->first;
    Step step = first->second.step;
    first->second.due.reset();
    running_ = id;
    lock.unlock();
    std::optional<Clock::time_point> next = step();
    lock.lock();
    running_ = 0;
    if (auto it = entries_.find(id); it != entries_.end() && next) {
      // Woken meanwhile (due set to now): the earlier of the two.
      it->second.due = it->second.due ? std::min(*it->second.due, *next) : *next;
    }
    cv_.notify_all();
  }
}

}  // namespace riik::transparency
