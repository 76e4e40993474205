// Canonical JSON of rows, written directly.
#include "store/canonical_row.h"

#include <charconv>

#include "core/encoding.h"

namespace riik::store {

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

void AppendCanonicalValue(std::string& out, const Value& value) {
  switch (value.index()) {
    case 1: {
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, std::get<int64_t>(value));
      out.append(digits, end);
      break;
    }
    case 2:
      AppendJsonString(out, std::get<std::string>(value));
      break;
    case 3:
      AppendJsonString(out, Base64Encode(std::get<Blob>(value).bytes));
      break;
    default:
      out += "null";
  }
}

void AppendCanonicalRow(std::string& out, const Row& row) {
  out.push_back('{');
  bool first = true;
  for (const auto& [column, value] : row) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, column);
    out.push_back(':');
    AppendCanonicalValue(out, value);
  }
  out.push_back('}');
}

}  // namespace riik::store
