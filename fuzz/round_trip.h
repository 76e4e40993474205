// Verdicts the parsers' fuzzers share: what parses writes back to what parses to the same,
// and every refusal says why.
#pragma once

#include <cstdlib>
#include <string>

#include "core/status.h"
#include "seeds.h"

namespace riik::fuzz {

template <typename Parsed, typename Write, typename Parse>
void RoundTrip(const Parsed& parsed, Write write, Parse parse) {
  const std::string again = write(parsed);
  auto reparsed = parse(again);
  if (!reparsed.ok() || write(*reparsed) != again) std::abort();
}

// Whether `r` was refused; a refusal must say why (and a valid_ seed must not be refused).
template <typename T>
bool Refused(const Result<T>& r) {
  if (r.ok()) return false;
  if (r.status().message().empty()) std::abort();
  RequireValid(false, r.status().message());
  return true;
}

}  // namespace riik::fuzz
