// JSON parsing with limits and canonical serialisation.
#include "core/json.h"

#include <nlohmann/json.hpp>

namespace riik {
namespace {

bool HasFloat(const Json& v) {
  if (v.is_number_float()) return true;
  if (v.is_structured()) {
    for (const auto& item : v) {
      if (HasFloat(item)) return true;
    }
  }
  return false;
}

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted("JSON document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                             std::to_string(limits.max_bytes));
  }
  bool too_deep = false;
  auto depth_guard = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > limits.max_depth) too_deep = true;
    return !too_deep;
  };
  Json out = Json::parse(text.begin(), text.end(), depth_guard, /*allow_exceptions=*/false);
  if (too_deep) return InvalidArgument("JSON nesting deeper than " + std::to_string(limits.max_depth));
  if (out.is_discarded()) {
    // Re-parse with exceptions only to obtain nlohmann's positioned message (a
    // parse_error, or out_of_range for a number too large for a double).
    try {
      Json ignored = Json::parse(text.begin(), text.end());
      (void)ignored;
    } catch (const Json::exception& e) {
      return InvalidArgument(std::string("malformed JSON: ") + e.what());
    }
    return InvalidArgument("malformed JSON");
  }
  return out;
}

Result<std::string> CanonicalJson(const Json& value) {
  if (HasFloat(value)) return InvalidArgument("canonical JSON does not allow floating-point numbers");
  // nlohmann::json keeps object keys in a std::map, so dump() already sorts them bytewise.
  try {
    return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::strict);
  } catch (const Json::type_error& e) {
    return InvalidArgument(std::string("text is not valid UTF-8: ") + e.what());
  }
}

std::string StringOr(const Json& j, std::string_view key, std::string fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int64_t IntOr(const Json& j, std::string_view key, int64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

Result<int64_t> IntegerIn(const Json& value, std::string_view name, int64_t min, int64_t max) {
  const std::string what(name);
  if (!value.is_number_integer()) return InvalidArgument(what + ": expected an integer");
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidArgument(what + ": out of range");
  }
  const int64_t n = value.get<int64_t>();
  if (n < min || n > max) {
    return InvalidArgument(what + ": " + std::to_string(n) + " is outside " + std::to_string(min) + ".." +
                           std::to_string(max));
  }
  return n;
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;  // start of the run of characters that need no escaping
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[(c >> 4) & 0xf]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

bool BoolOr(const Json& j, std::string_view key, bool fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace riik
