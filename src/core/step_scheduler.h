// A few threads shared by many owners, each of which has one piece of recurring work (a
// step) that says when it wants to run again. The scheduler runs due steps, the one due
// first first, never one step on two threads at once. A process with many signed logs
// (a node's security servers and trackers) seals them on a few threads and timestamps
// them on one, instead of a thread per log for each.
//
// Sharing must not let one owner that hangs (its store does not answer) hold up the
// others: with a stall limit, a step that is due while every thread has been inside one
// step for longer than the limit gets one more thread, up to one per step; a thread
// beyond `max_threads` ends once it finds nothing due. The check runs whenever a step is
// woken and whenever CheckStalls (or, for the shared schedulers, CheckSharedStalls: a
// node's housekeeping calls it every half second) is called.
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

  // What the stall limit measures time with: Clock::now unless a test hands in its own.
  using Now = std::function<Clock::time_point()>;

  // At most `max_threads` (at least 1), started as steps are added: never more threads
  // than steps. With `stall_after` (zero: never), more while every one has been inside a
  // step that long, as above. `name` names the scheduler in the warning about a stall.
  explicit StepScheduler(size_t max_threads, Clock::duration stall_after = Clock::duration::zero(),
                         std::string name = "steps", Now now = nullptr);
  ~StepScheduler();  // joins the threads; every step must have been removed
  StepScheduler(const StepScheduler&) = delete;
  StepScheduler& operator=(const StepScheduler&) = delete;

  // The process's scheduler named `name`, made with `max_threads` and `stall_after` on
  // first use and stopped when the last owner lets go.
  static std::shared_ptr<StepScheduler> Shared(std::string_view name, size_t max_threads,
                                               Clock::duration stall_after = Clock::duration::zero());
  // CheckStalls on every shared scheduler alive.
  static void CheckSharedStalls();
  // Whether a shared scheduler with a stall limit is alive (for whom to call the above).
  static bool AnySharedWithStallLimit();

  // Registers a step, idle until woken. Returns its id.
  uint64_t Add(Step step);
  // Runs an idle step as soon as a thread is free; a step that waits for a time it
  // asked for (an interval, a backoff) keeps it.
  void Wake(uint64_t id);
  // Runs the step as soon as a thread is free, whatever later time it waited for.
  void WakeNow(uint64_t id);
  // Unregisters the step; if it is running, waits until it has returned. Not from a step.
  void Remove(uint64_t id);

  // Starts one more thread if a due step waits while every thread has been inside one
  // step for longer than stall_after (and there are fewer threads than steps).
  void CheckStalls();

  size_t threads() const;  // running now (started, not ended)

 private:
  void Run(uint64_t tid);
  size_t LiveLocked() const;  // threads started and not ended
  void SetDue(uint64_t id, bool override_time);
  struct StallCheck {
    bool started = false;  // a thread was added
    bool report = false;   // and the stall is to be logged (at most once a minute)
    size_t threads = 0;    // then running
  };
  // CheckStalls with mu_ held; ReportStall logs what it found once mu_ is released.
  StallCheck CheckStallsLocked();
  void ReportStall(const StallCheck& check) const;
  // Starts a thread; false (and logged) if the system refuses one.
  bool StartThreadLocked();
  // Joins the threads that have ended.
  void JoinEndedLocked();

  struct Entry {
    Step step;
    std::optional<Clock::time_point> due;  // nullopt: idle
    bool removing = false;                 // Remove waits for it: never run again
  };
  const size_t max_threads_;
  const Clock::duration stall_after_;
  const std::string name_;
  const Now now_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the threads wait here for a due step
  std::condition_variable done_cv_;  // Remove waits here for a running step to return
  std::map<uint64_t, Entry> entries_;
  std::map<uint64_t, Clock::time_point> running_;  // the steps running, since when
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::optional<Clock::time_point> reported_;  // the last stall warning (now_'s time)
  uint64_t next_thread_ = 0;
  std::map<uint64_t, std::thread> threads_;  // every thread not yet joined
  std::vector<uint64_t> ended_;              // of those, the ones that have returned
};

}  // namespace riik
