// Logging set-up: spdlog, human-readable by default, one JSON object per line with
// --log-format json. Never log secrets, PINs or personal data: pass paths through
// RedactForLog() and never log bodies, query strings or headers.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

enum class LogFormat { kText, kJson };

Result<LogFormat> ParseLogFormat(std::string_view name);
// Configures the default logger (stderr). `level` is an spdlog level name ("info", "debug", …).
Status InitLogging(LogFormat format, std::string_view level);

// Replaces every run of 11 digits (a personal code) by "<code>" and drops the query string.
std::string RedactForLog(std::string_view path);

}  // namespace riik
