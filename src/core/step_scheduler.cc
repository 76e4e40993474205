// Steps on a few shared threads.
#include "core/step_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace riik {

namespace {

std::mutex shared_mu;
std::map<std::string, std::weak_ptr<StepScheduler>, std::less<>>& SharedSchedulers() {
  static auto* shared = new std::map<std::string, std::weak_ptr<StepScheduler>, std::less<>>();  // used until exit
  return *shared;
}

}  // namespace

StepScheduler::StepScheduler(size_t max_threads, Clock::duration stall_after, std::string name)
    : max_threads_(std::max<size_t>(max_threads, 1)), stall_after_(stall_after), name_(std::move(name)) {}

StepScheduler::~StepScheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

std::shared_ptr<StepScheduler> StepScheduler::Shared(std::string_view name, size_t max_threads,
                                                     Clock::duration stall_after) {
  std::lock_guard lock(shared_mu);
  std::weak_ptr<StepScheduler>& slot = SharedSchedulers()[std::string(name)];
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
    std::lock_guard lock(shared_mu);
    for (auto& [name, slot] : SharedSchedulers()) {
      if (auto s = slot.lock()) alive.push_back(std::move(s));
    }
  }
  for (auto& s : alive) s->CheckStalls();
}

void StepScheduler::CheckStalls() {
  bool added = false;
  {
    std::lock_guard lock(mu_);
    added = CheckStallsLocked();
  }
  if (added) work_cv_.notify_all();
}

bool StepScheduler::CheckStallsLocked() {
  if (stall_after_ == Clock::duration::zero() || stopping_) return false;
  if (threads_.size() >= entries_.size() || running_.size() < threads_.size()) return false;
  const Clock::time_point now = Clock::now();
  for (const auto& [id, since] : running_) {
    if (now - since < stall_after_) return false;  // that thread may soon be free
  }
  const bool waiting = std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) {
    return e.second.due && *e.second.due <= now && !running_.contains(e.first);
  });
  if (!waiting) return false;
  threads_.emplace_back([this] { Run(); });
  spdlog::warn("{}: every thread has been inside one step for over {} ms; another thread started ({} now)", name_,
               std::chrono::duration_cast<std::chrono::milliseconds>(stall_after_).count(), threads_.size());
  return true;
}

uint64_t StepScheduler::Add(Step step) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  entries_.emplace(id, Entry{std::move(step), std::nullopt});
  if (threads_.size() < max_threads_ && threads_.size() < entries_.size()) threads_.emplace_back([this] { Run(); });
  return id;
}

void StepScheduler::SetDue(uint64_t id, bool override_time) {
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
    CheckStallsLocked();  // the new thread, if any, takes it: notify_one wakes some thread
  }
  work_cv_.notify_one();
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
  return threads_.size();
}

void StepScheduler::Run() {
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
    running_.emplace(id, Clock::now());
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
