// The DER writer: lengths, integers, bit strings, times and OIDs.
#include "crypto/der.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/big_endian.h"

namespace riik::der {
namespace {

// Calendar fields of a UTC instant, with the milliseconds.
struct Civil {
  int year;
  unsigned month, day, hour, minute, second, millis;
};

Civil ToCivil(UnixMicros t) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds(t)};
  sys_days day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> hms{tp - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(hms.hours().count()),
               static_cast<unsigned>(hms.minutes().count()),
               static_cast<unsigned>(hms.seconds().count()),
               static_cast<unsigned>(hms.subseconds().count() / 1000)};
}

void AppendBase128(std::string& out, uint64_t v) {
  char buf[10];
  int n = 0;
  do {
    buf[n++] = static_cast<char>(v & 0x7f);
    v >>= 7;
  } while (v != 0);
  while (n > 1) out.push_back(static_cast<char>(buf[--n] | 0x80));
  out.push_back(buf[0]);
}

}  // namespace

std::string EncodeLength(size_t length) {
  if (length < 0x80) return std::string(1, static_cast<char>(length));
  std::string octets;
  for (size_t v = length; v != 0; v >>= 8) octets.insert(octets.begin(), static_cast<char>(v & 0xff));
  return static_cast<char>(0x80 | octets.size()) + octets;
}

Writer& Writer::Element(uint8_t tag, std::string_view contents) {
  out_.push_back(static_cast<char>(tag));
  out_.append(EncodeLength(contents.size()));
  out_.append(contents);
  return *this;
}

Writer& Writer::Integer(int64_t value) {
  // Two's complement, big-endian, without redundant leading 0x00 / 0xff octets.
  const std::string octets = BigEndian(static_cast<uint64_t>(value));
  size_t start = 0;
  while (start < 7) {
    auto first = static_cast<uint8_t>(octets[start]), next = static_cast<uint8_t>(octets[start + 1]);
    bool redundant = (first == 0x00 && !(next & 0x80)) || (first == 0xff && (next & 0x80));
    if (!redundant) break;
    ++start;
  }
  return Element(kInteger, std::string_view(octets).substr(start));
}

Writer& Writer::UnsignedInteger(std::string_view magnitude) {
  size_t first = magnitude.find_first_not_of('\0');
  magnitude = first == std::string_view::npos ? std::string_view() : magnitude.substr(first);
  std::string contents;
  if (magnitude.empty() || (static_cast<uint8_t>(magnitude[0]) & 0x80)) contents.push_back('\0');
  contents.append(magnitude);
  return Element(kInteger, contents);
}

Writer& Writer::NamedBits(std::initializer_list<unsigned> bits) {
  unsigned highest = 0;
  for (unsigned b : bits) highest = std::max(highest, b);
  std::string contents(1 + (bits.size() ? highest / 8 + 1 : 0), '\0');
  for (unsigned b : bits) contents[1 + b / 8] = static_cast<char>(contents[1 + b / 8] | (0x80 >> (b % 8)));
  if (bits.size()) contents[0] = static_cast<char>(7 - highest % 8);  // unused bits in the last octet
  return Element(kBitString, contents);
}

Writer& Writer::GeneralizedTime(UnixMicros t) {
  Civil c = ToCivil(t);
  char text[32];
  int n = std::snprintf(text, sizeof text, "%04d%02u%02u%02u%02u%02u", c.year % 10000, c.month, c.day, c.hour, c.minute,
                        c.second);
  std::string s(text, static_cast<size_t>(n));
  if (c.millis != 0) {
    std::snprintf(text, sizeof text, ".%03u", c.millis);
    std::string fraction(text);
    while (fraction.back() == '0') fraction.pop_back();
    s += fraction;
  }
  s += 'Z';
  return Element(kGeneralizedTime, s);
}

Writer& Writer::UtcTime(UnixMicros t) {
  Civil c = ToCivil(t);
  char text[32];
  int n = std::snprintf(text, sizeof text, "%02d%02u%02u%02u%02u%02uZ", ((c.year % 100) + 100) % 100, c.month, c.day,
                        c.hour, c.minute, c.second);
  return Element(kUtcTime, std::string_view(text, static_cast<size_t>(n)));
}

std::string OidArcs(std::string_view dotted) {
  std::vector<uint64_t> arcs;
  size_t pos = 0;
  while (pos <= dotted.size()) {
    size_t dot = dotted.find('.', pos);
    std::string_view part = dotted.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 18) return "";
    uint64_t v = 0;
    for (char ch : part) {
      if (ch < '0' || ch > '9') return "";
      v = v * 10 + static_cast<uint64_t>(ch - '0');
    }
    arcs.push_back(v);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40)) return "";
  std::string out;
  AppendBase128(out, arcs[0] * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) AppendBase128(out, arcs[i]);
  return out;
}

}  // namespace riik::der
