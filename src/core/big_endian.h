// Unsigned integers as big-endian bytes: the length prefixes, counters and times inside
// the hashed and signed formats (journal entries, the state digest, transcripts, sign-in
// states, embassy segments, message records). Header-only, so that only its users
// depend on it.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace riik {

// `value`'s low `width` bytes (1 to 8), the most significant first, appended to `out`.
inline void AppendBigEndian(std::string& out, uint64_t value, size_t width = 8) {
  assert(width >= 1 && width <= 8);
  for (size_t i = width; i-- > 0;) out.push_back(static_cast<char>(value >> (8 * i) & 0xff));
}

// `value` as `width` big-endian bytes (1 to 8).
inline std::string BigEndian(uint64_t value, size_t width = 8) {
  std::string out;
  AppendBigEndian(out, value, width);
  return out;
}

// The number that `bytes` (at most 8 of them) hold, the most significant first.
inline uint64_t ReadBigEndian(std::string_view bytes) {
  assert(bytes.size() <= 8);
  uint64_t value = 0;
  for (unsigned char b : bytes) value = value << 8 | b;
  return value;
}

}  // namespace riik
