// Fuzzes JSON parsing with limits and the canonical form: canonicalising is
// idempotent, and parsing the canonical text gives the same canonical text.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/json.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = riik::ParseJson(text, {.max_bytes = 1 << 16, .max_depth = 32});
  riik::fuzz::RequireValid(json.ok(), json.ok() ? "" : json.status().message());
  if (!json.ok()) return 0;
  auto canon = riik::CanonicalJson(*json);
  riik::fuzz::RequireValid(canon.ok(), canon.ok() ? "" : canon.status().message());
  if (!canon.ok()) return 0;
  auto again = riik::ParseJson(*canon, {.max_bytes = 1 << 20, .max_depth = 64});
  if (!again.ok()) std::abort();
  auto canon2 = riik::CanonicalJson(*again);
  if (!canon2.ok() || *canon2 != *canon) std::abort();
  return 0;
}
