// A bounded line of requests waiting for a pool, its depth in /metrics (waiting_line.h).
#include "core/waiting_line.h"

#include "core/metrics.h"

namespace riik {

WaitingLine::WaitingLine(const std::string& role, const std::string& queue, size_t limit)
    : bound_(limit),
      waiting_(Metrics().GetGauge("riik_queue_waiting", "Requests waiting for a pool of threads, by role and line",
                                  {{"role", role}, {"queue", queue}})) {}

bool WaitingLine::Enter() {
  if (!bound_.Enter()) return false;
  waiting_.Add(1);
  return true;
}

void WaitingLine::Leave() {
  waiting_.Add(-1);
  bound_.Leave();
}

}  // namespace riik
