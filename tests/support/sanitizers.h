// Whether this build runs under AddressSanitizer. Tests that try every position of a
// document (flipped bytes) try every kSanitizedStride-th one there: the same code under
// the sanitizer costs four times the release build's time, and the release suite still
// tries every position.
#pragma once

#include <cstddef>

namespace riik::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

inline constexpr size_t kSanitizedStride = kSanitized ? 3 : 1;

}  // namespace riik::testing
