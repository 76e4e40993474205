// Time as riik stores it: microseconds since the Unix epoch, UTC. Injected where tests
// need to control it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

using UnixMicros = int64_t;
using Clock = std::function<UnixMicros()>;

UnixMicros NowMicros();
Clock SystemClock();

// "2026-11-29T11:22:12.123456Z"
std::string FormatRfc3339(UnixMicros t);
// "2026-11-29T11:22:12Z" (UTC, whole seconds: how people write times in documents), the
// date and time checked to exist; InvalidArgument saying what is wrong otherwise.
Result<UnixMicros> ParseRfc3339Utc(std::string_view text);
// "2026-11-29": a calendar date that exists, as its day count since 1970-01-01.
Result<int64_t> ParseIsoDate(std::string_view text);
// The day count since 1970-01-01 as "2026-11-29" (ParseIsoDate's inverse).
std::string FormatIsoDate(int64_t days);
// "2026-11-29T11:22:12Z": whole seconds, as ParseRfc3339Utc reads.
std::string FormatRfc3339Seconds(UnixMicros t);

// A clock that never goes back: each reading is at least every earlier one and every
// time given to NotBefore. Shared by a log's entries and its heads, a head is never dated
// before an entry it covers, whatever the system clock does (a step back by NTP, or a
// restart on a machine whose clock is behind). Thread-safe.
class MonotonicClock {
 public:
  explicit MonotonicClock(Clock inner = SystemClock()) : inner_(std::move(inner)) {}
  UnixMicros Now();
  void NotBefore(UnixMicros t);

 private:
  Clock inner_;
  std::atomic<UnixMicros> last_{0};
};

// A Clock that reads `clock` (kept alive by it).
Clock ReadingOf(std::shared_ptr<MonotonicClock> clock);

}  // namespace riik
