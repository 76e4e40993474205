// Fuzzes IBAN parsing: never crashes; every accepted IBAN parses again to itself from
// its printed form, and an accepted Estonian IBAN is rebuilt identically from its parts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identity/iban.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto iban = riik::identity::Iban::Parse(text);
  riik::fuzz::RequireValid(iban.ok(), iban.ok() ? "" : iban.status().message());
  if (!iban.ok()) return 0;
  auto printed = riik::identity::Iban::Parse(iban->Printed());
  if (!printed.ok() || printed->electronic != iban->electronic) std::abort();
  if (iban->country() == "EE") {
    auto again = riik::identity::Iban::MakeEstonian(iban->bban().substr(0, 2), iban->bban().substr(2));
    if (!again.ok() || again->electronic != iban->electronic) std::abort();
  }
  return 0;
}
