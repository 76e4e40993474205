// Steps on a few shared threads.
#include "core/step_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

namespace riik {
namespace {

// The process's shared schedulers by name (weakly: they go when their last owner does).
struct SharedSchedulers {
  std::mutex mu;
  std::map<std::string, std::weak_ptr<StepScheduler>, std::less<>> by_name;
};

SharedSchedulers& Registry() {
  static auto* registry = new SharedSchedulers();  // never destroyed: used until exit
  return *registry;
}

constexpr std::chrono::seconds kStallReportInterval{60};

}  // namespace

StepScheduler::StepScheduler(size_t max_threads, Clock::duration stall_after, std::string name, Now now)
    : max_threads_(std::max<size_t>(max_threads, 1)),
      stall_after_(stall_after),
      name_(std::move(name)),
      now_(now ? std::move(now) : Now([] { return Clock::now(); })) {}

StepScheduler::~StepScheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& [id, thread] : threads_) thread.join();
}

std::shared_ptr<StepScheduler> StepScheduler::Shared(std::string_view name, size_t max_threads,
                                                     Clock::duration stall_after) {
  SharedSchedulers& registry = Registry();
  std::lock_guard lock(registry.mu);
  std::weak_ptr<StepScheduler>& slot = registry.by_name[std::string(name)];
  std::shared_ptr<StepScheduler> s = slot.lock();
  if (!s) {
    s = std::make_shared<StepScheduler>(max_threads, stall_after, std::string(name));
    slot = s;
  }
  return s;
}

void StepScheduler::CheckSharedStalls() {
  std::vector<std::shared_ptr<StepScheduler>> alive;
  {
    SharedSchedulers& registry = Registry();
    std::lock_guard lock(registry.mu);
    for (auto& [name, slot] : registry.by_name) {
      if (auto s = slot.lock()) alive.push_back(std::move(s));
    }
  }
  for (auto& s : alive) s->CheckStalls();
}

bool StepScheduler::AnySharedWithStallLimit() {
  SharedSchedulers& registry = Registry();
  std::lock_guard lock(registry.mu);
  return std::any_of(registry.by_name.begin(), registry.by_name.end(), [](const auto& entry) {
    std::shared_ptr<StepScheduler> s = entry.second.lock();
    return s && s->stall_after_ != Clock::duration::zero();
  });
}

uint64_t StepScheduler::Add(Step step) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  entries_.emplace(id, Entry{std::move(step), std::nullopt});
  if (LiveLocked() < max_threads_ && LiveLocked() < entries_.size()) StartThreadLocked();
  return id;
}

bool StepScheduler::StartThreadLocked() {
  JoinEndedLocked();
  const uint64_t tid = next_thread_++;
  try {
    threads_.emplace(tid, std::thread([this, tid] { Run(tid); }));
  } catch (const std::system_error& e) {  // no thread to be had: the steps wait for the others
    spdlog::error("{}: cannot start a thread: {}", name_, e.what());
    return false;
  }
  return true;
}

void StepScheduler::JoinEndedLocked() {
  // A thread records its end as the last thing it does with mu_, which this holds: each
  // join waits at most for its thread to return.
  for (uint64_t tid : ended_) {
    auto it = threads_.find(tid);
    if (it == threads_.end()) continue;
    it->second.join();
    threads_.erase(it);
  }
  ended_.clear();
}

void StepScheduler::CheckStalls() {
  StallCheck check;
  {
    std::lock_guard lock(mu_);
    check = CheckStallsLocked();
  }
  if (!check.started) return;
  work_cv_.notify_all();
  ReportStall(check);
}

StepScheduler::StallCheck StepScheduler::CheckStallsLocked() {
  if (stall_after_ == Clock::duration::zero() || stopping_) return {};
  const size_t live = LiveLocked();
  if (live >= entries_.size() || running_.size() < live) return {};
  const Clock::time_point stall_now = now_();
  for (const auto& [id, since] : running_) {
    if (stall_now - since < stall_after_) return {};  // that thread may soon be free
  }
  const Clock::time_point now = Clock::now();
  const bool waiting = std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) {
    return e.second.due && *e.second.due <= now && !running_.contains(e.first);
  });
  if (!waiting || !StartThreadLocked()) return {};
  // Said once per kStallReportInterval: a store that stays down would otherwise have
  // every batch of another log warn again.
  const bool report = !reported_ || stall_now - *reported_ >= kStallReportInterval;
  if (report) reported_ = stall_now;
  return {true, report, LiveLocked()};
}

void StepScheduler::ReportStall(const StallCheck& check) const {
  if (!check.report) return;
  spdlog::warn("{}: every thread has been inside one step for over {} ms; another thread started ({} now)", name_,
               std::chrono::duration_cast<std::chrono::milliseconds>(stall_after_).count(), check.threads);
}

void StepScheduler::SetDue(uint64_t id, bool override_time) {
  StallCheck check;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (it->second.removing) return;
    std::optional<Clock::time_point>& due = it->second.due;
    // WakeNow never puts a step that is due already behind others due later.
    if (!due) {
      due = Clock::now();
    } else if (override_time) {
      due = std::min(*due, Clock::now());
    }
    check = CheckStallsLocked();  // the new thread, if any, looks for due steps first
  }
  work_cv_.notify_one();
  ReportStall(check);
}

void StepScheduler::Wake(uint64_t id) { SetDue(id, false); }
void StepScheduler::WakeNow(uint64_t id) { SetDue(id, true); }

void StepScheduler::Remove(uint64_t id) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  // Not run again, however due it is: a step that keeps asking for now would otherwise
  // be taken again before this could.
  it->second.removing = true;
  it->second.due.reset();
  done_cv_.wait(lock, [&] { return !running_.contains(id); });
  entries_.erase(id);
}

size_t StepScheduler::threads() const {
  std::lock_guard lock(mu_);
  return LiveLocked();
}

size_t StepScheduler::LiveLocked() const { return threads_.size() - ended_.size(); }

void StepScheduler::Run(uint64_t tid) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    // The step due first that no other thread runs; and whether others wait for a turn
    // or a time.
    auto first = entries_.end();
    size_t waiting = 0;
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (!it->second.due || running_.contains(it->first)) continue;
      ++waiting;
      if (first == entries_.end() || *it->second.due < *first->second.due) first = it;
    }
    // A thread added for a stall ends once nothing is due for it: back to max_threads_.
    // It counts as ended from here, so that no other thread ends on the same count.
    if ((first == entries_.end() || *first->second.due > Clock::now()) && LiveLocked() > max_threads_) {
      ended_.push_back(tid);
      return;
    }
    if (first == entries_.end()) {
      work_cv_.wait(lock);
      continue;
    }
    if (*first->second.due > Clock::now()) {
      // A copy: the entry may go (Remove) while this waits.
      const Clock::time_point due = *first->second.due;
      work_cv_.wait_until(lock, due);
      continue;
    }
    const uint64_t id = first->first;
    Step step = first->second.step;
    first->second.due.reset();
    running_.emplace(id, now_());
    // Another thread for the next one, or to watch its time while this one runs.
    if (waiting > 1) work_cv_.notify_one();
    lock.unlock();
    std::optional<Clock::time_point> next = step();
    lock.lock();
    running_.erase(id);
    if (auto it = entries_.find(id); it != entries_.end() && next && !it->second.removing) {
      // Woken meanwhile (due set to now): the earlier of the two.
      it->second.due = it->second.due ? std::min(*it->second.due, *next) : *next;
    }
    done_cv_.notify_all();
  }
}

}  // namespace riik
