// Time as riik stores it: microseconds since the Unix epoch, UTC. Injected where tests
// need to control it.
#pragma once

#include <cstdint>
#include <functional>
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

}  // namespace riik
