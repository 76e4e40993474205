// System clock and RFC 3339 formatting.
#include "core/clock.h"

#include <chrono>
#include <ctime>

namespace riik {

UnixMicros NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Clock SystemClock() { return NowMicros; }

std::string FormatRfc3339(UnixMicros t) {
  time_t secs = static_cast<time_t>(t / 1000000);
  long micros = static_cast<long>(t % 1000000);
  if (micros < 0) {
    micros += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%06ldZ", micros);
  return buf;
}

}  // namespace riik
