// A few threads shared by many owners, each of which has one piece of recurring work (a
// step) that says when it wants to run again. The scheduler runs due steps, the one due
// first first, never one step on two threads at once. A process with many signed logs
// (a node's security servers and trackers) seals them on a few threads and timestamps
// them on one, instead of a thread per log for each.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace riik {

class StepScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  // Runs one step; returns when to run again, or nullopt to wait for a Wake.
  using Step = std::function<std::optional<Clock::time_point>()>;

  // At most `max_threads` (at least 1), started as steps are added: never more threads
  // than steps.
  explicit StepScheduler(size_t max_threads);
  ~StepScheduler();  // joins the threads; every step must have been removed
  StepScheduler(const StepScheduler&) = delete;
  StepScheduler& operator=(const StepScheduler&) = delete;

  // The process's scheduler named `name`, made with `max_threads` on first use and
  // stopped when the last owner lets go.
  static std::shared_ptr<StepScheduler> Shared(std::string_view name, size_t max_threads);

  // Registers a step, idle until woken. Returns its id.
  uint64_t Add(Step step);
  // Runs an idle step as soon as a thread is free; a step that waits for a time it
  // asked for (an interval, a backoff) keeps it.
  void Wake(uint64_t id);
  // Runs the step as soon as a thread is free, whatever later time it waited for.
  void WakeNow(uint64_t id);
  // Unregisters the step; if it is running, waits until it has returned. Not from a step.
  void Remove(uint64_t id);

  size_t threads() const;  // started so far

 private:
  void Run();
  void SetDue(uint64_t id, bool override_time);

  struct Entry {
    Step step;
    std::optional<Clock::time_point> due;  // nullopt: idle
    bool removing = false;                 // Remove waits for it: never run again
  };
  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the threads wait here for a due step
  std::condition_variable done_cv_;  // Remove waits here for a running step to return
  std::map<uint64_t, Entry> entries_;
  std::set<uint64_t> running_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace riik
