// Fuzzes personal-code parsing: never crashes, and every accepted code is rebuilt
// identically from its parts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identity/personal_code.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pc = riik::identity::PersonalCode::Parse(text);
  riik::fuzz::RequireValid(pc.ok(), pc.ok() ? "" : pc.status().message());
  if (!pc.ok()) return 0;
  auto again = riik::identity::PersonalCode::Make(pc->sex, pc->year, pc->month, pc->day, pc->serial);
  if (!again.ok() || again->code != pc->code) std::abort();
  return 0;
}
