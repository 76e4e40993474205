// spdlog configuration and the JSON line formatter.
#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace riik {
namespace {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto micros = duration_cast<microseconds>(msg.time.time_since_epoch()).count();
    nlohmann::json line = {
        {"time", FormatRfc3339(micros)},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    if (msg.logger_name.size() > 0) line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgument("unknown log format '" + std::string(name) + "' (expected text or json)");
}

Status InitLogging(LogFormat format, std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgument("unknown log level '" + std::string(level) +
                           "' (expected trace, debug, info, warn, error, critical or off)");
  }
  spdlog::drop("riik");  // InitLogging may run again once a config file is read
  auto logger = spdlog::stderr_color_mt("riik");
  if (format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return OkStatus();
}

std::string RedactForLog(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    size_t j = i;
    while (j < path.size() && path[j] >= '0' && path[j] <= '9') ++j;
    if (j - i == 11) {
      out += "<code>";
    } else {
      out.append(path.substr(i, j - i));
    }
    if (j < path.size()) out.push_back(path[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace riik
