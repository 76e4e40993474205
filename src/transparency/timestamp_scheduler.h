// The one thread on which every signed log of a process has its tree heads timestamped.
// A log's timestamping is a step (ask the TSA for the newest head, at most once per
// interval, backing off after failures) that says when it wants to run again; the
// scheduler runs due steps one after another. One TSA request is in flight per process
// at a time, and a process with many logs (a node's security servers and trackers)
// spends one thread on it, not one per log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace riik::transparency {

class TimestampScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  // Runs one step; returns when to run again, or nullopt to wait for Wake().
  using Step = std::function<std::optional<Clock::time_point>()>;

  // The process's scheduler, started on first use and stopped when the last log that
  // holds it lets go.
  static std::shared_ptr<TimestampScheduler> Shared();
  ~TimestampScheduler();  // joins the thread

  // Registers a step, idle until woken. Returns its id.
  uint64_t Add(Step step);
  // Runs the step as soon as the thread is free (a log has a new head).
  void Wake(uint64_t id);
  // Unregisters the step; if it is running, waits until it has returned.
  void Remove(uint64_t id);

 private:
  TimestampScheduler();
  void Run();

  struct Entry {
    Step step;
    std::optional<Clock::time_point> due;  // nullopt: idle
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Entry> entries_;
  uint64_t next_id_ = 1;
  uint64_t running_ = 0;  // the id whose step runs now, 0 for none
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace riik::transparency
