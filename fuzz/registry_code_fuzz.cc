// Fuzzes registry-code parsing: never crashes, and every accepted code is rebuilt
// identically from its first seven digits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identity/registry_code.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto code = riik::identity::RegistryCode::Parse(text);
  riik::fuzz::RequireValid(code.ok(), code.ok() ? "" : code.status().message());
  if (!code.ok()) return 0;
  int first_seven = 0;
  for (char c : std::string_view(code->code).substr(0, 7)) first_seven = first_seven * 10 + (c - '0');
  auto again = riik::identity::RegistryCode::Make(first_seven);
  if (!again.ok() || again->code != code->code || again->kind != code->kind) std::abort();
  return 0;
}
