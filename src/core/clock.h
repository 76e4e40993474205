// Time as riik stores it: microseconds since the Unix epoch, UTC. Injected where tests
// need to control it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace riik {

using UnixMicros = int64_t;
using Clock = std::function<UnixMicros()>;

UnixMicros NowMicros();
Clock SystemClock();

// "2026-11-29T11:22:12.123456Z"
std::string FormatRfc3339(UnixMicros t);

}  // namespace riik
