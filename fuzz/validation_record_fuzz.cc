// Fuzzes the validation service's log leaves (src/validation/validation_record.h), read
// back from a store that may have been tampered with: the container's hash on the first
// line, then the leaf. Never crashes; a refusal says why; an accepted leaf is exactly
// what its record is written as.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "seeds.h"
#include "validation/validation_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  if (newline == std::string::npos) return 0;
  std::string key = input.substr(0, newline), leaf = input.substr(newline + 1);
  riik::Status checked = riik::validation::CheckValidationLeaf(key, leaf);
  riik::fuzz::RequireValid(checked.ok(), checked.message());
  if (!checked.ok()) {
    if (checked.message().empty()) std::abort();
    return 0;
  }
  auto json = riik::ParseJson(leaf);
  auto record = json.ok() ? riik::validation::RecordFromJson(*json)
                          : riik::Result<riik::validation::ValidationRecord>(json.status());
  if (!record.ok()) std::abort();
  auto again = riik::validation::RecordLeaf(*record);
  if (!again.ok() || *again != leaf || record->container_sha256 != key) std::abort();
  return 0;
}
