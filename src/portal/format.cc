// Dates and money (format.h).
#include "portal/format.h"

#include <fmt/format.h>

#include "core/encoding.h"

namespace riik::portal {

std::string DateText(std::string_view d, std::string_view lang) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (d[i] < '0' || d[i] > '9') return false;
    }
    return true;
  };
  if (d.size() != 10 || d[4] != '-' || d[7] != '-' || !digits(0, 4) || !digits(5, 2) || !digits(8, 2)) {
    return std::string(d);
  }
  if (lang == "et") return fmt::format("{}.{}.{}", d.substr(8, 2), d.substr(5, 2), d.substr(0, 4));
  static constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
  int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  if (month < 1 || month > 12) return std::string(d);
  return fmt::format("{} {} {}", day, kMonths[month - 1], d.substr(0, 4));
}

std::string MoneyText(int64_t cents, std::string_view lang) {
  bool negative = cents < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::string euros = std::to_string(magnitude / 100);
  // Thousands grouped: a space in Estonian (no-break, so the amount stays on one line),
  // a comma in English.
  std::string group = lang == "et" ? "\u00a0" : ",";
  std::string grouped;
  for (size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped += group;
    grouped += euros[i];
  }
  std::string sign = negative ? "−" : "";
  if (lang == "et") return fmt::format("{}{},{:02}\u00a0€", sign, grouped, magnitude % 100);
  return fmt::format("{}€{}.{:02}", sign, grouped, magnitude % 100);
}

std::string DateTimeText(std::string_view t) {
  if (t.size() < 20 || t[4] != '-' || t[10] != 'T' || t.back() != 'Z') return std::string(t);
  return std::string(t.substr(0, 10)) + " " + std::string(t.substr(11, 8)) + " UTC";
}

std::string DateTimeElement(std::string_view t) {
  return fmt::format("<time datetime=\"{}\" data-date>{}</time>", HtmlEscape(t), HtmlEscape(DateTimeText(t)));
}

namespace {

// The lower case of the code point `c` where the scripts above have one, else `c`.
char32_t Lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // À..Þ, not ×
  // Latin Extended-A pairs: upper case even from Ā to ķ and Ŋ to ŷ, odd from Ĺ to ň and
  // Ź to ž.
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  return c;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {  // below U+0800 here: Lower never leaves the two-byte range it was given
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string NameText(std::string_view name) {
  std::string out;
  bool first = true;  // the next letter starts a part of the name
  for (size_t i = 0; i < name.size();) {
    auto b = static_cast<unsigned char>(name[i]);
    char32_t c = b;
    size_t length = 1;
    if (b >= 0xC2 && b <= 0xDF && i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) {
      c = ((b & 0x1F) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3F);
      length = 2;
    } else if (b >= 0x80) {  // any other byte of a longer sequence: as it is
      out += name.substr(i, 1);
      ++i;
      first = false;
      continue;
    }
    bool separator = c == ' ' || c == '-' || c == '\'';
    AppendUtf8(out, first || separator ? c : Lower(c));
    first = separator;
    i += length;
  }
  return out;
}

}  // namespace riik::portal
