// Canonical JSON of rows, written directly.
#include "store/canonical_row.h"

#include <charconv>

#include "core/encoding.h"

namespace riik::store {

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
