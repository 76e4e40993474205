// A child process `riik up` runs beside itself (the data embassy, a stand-in for the
// site abroad): started with its output in a log file, told to stop (SIGTERM) and waited
// for when the handle goes; it also gets SIGTERM if this process dies first. It runs in
// a process group of its own, so that a terminal's Ctrl-C stops riik up first, which
// then stops the child once it has sent it everything.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace riik::cli {

class ChildProcess {
 public:
  // Runs `argv` (argv[0] a path) with stdout and stderr appended to `log_path`.
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();  // Stop()

  // Waits until something listens on 127.0.0.1:port; Unavailable if the child exits
  // first or `timeout` passes.
  Status WaitForPort(int port, std::chrono::milliseconds timeout) const;
  // SIGTERM, then waits up to 10 s (SIGKILL after). Idempotent.
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace riik::cli
