// Requests waiting for a pool of threads: bounded as InFlight is (the caller answers
// "busy" at once when the line is full), and counted in /metrics as
// riik_queue_waiting{role, queue}, so that an operator sees a role falling behind before
// it starts turning people away. The bound is the role's setting; docs/endpoints.md lists
// the lines. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "core/in_flight.h"

namespace riik {

class Gauge;

class WaitingLine {
 public:
  WaitingLine(const std::string& role, const std::string& queue, size_t limit);
  WaitingLine(const WaitingLine&) = delete;
  WaitingLine& operator=(const WaitingLine&) = delete;

  // Takes a place if fewer than the limit wait; Leave gives it back when the task starts.
  bool Enter();
  void Leave();

 private:
  InFlight bound_;
  Gauge& waiting_;
};

}  // namespace riik
