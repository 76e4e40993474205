// Fuzzes what a node accepts from another copy of a journal (replication, restore):
// an entry's JSON form, its changes, and the chain check. Must never crash, hang or
// accept an entry whose recomputed hash differs.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/json.h"
#include "seeds.h"
#include "store/journal.h"
#include "store/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = riik::ParseJson(text, {.max_bytes = 1 << 16, .max_depth = 32});
  riik::fuzz::RequireValid(json.ok(), "not JSON");
  if (!json.ok()) return 0;
  auto entry = riik::store::EntryFromJson(*json);
  riik::fuzz::RequireValid(entry.ok(), entry.ok() ? "" : entry.status().message());
  if (entry.ok()) {
    riik::Status link = riik::store::CheckLink(nullptr, *entry, entry->node);
    if (link.ok() && riik::store::ComputeEntryHash(*entry) != entry->hash) std::abort();
  }
  // Changes and schemas as a replica would read them.
  const riik::Json* changes = json->is_object() && json->contains("changes") ? &(*json)["changes"] : &*json;
  if (changes->is_array()) {
    for (const auto& c : *changes) {
      if (!c.is_object()) continue;
      if (c.contains("schema")) {
        auto schema = riik::store::SchemaFromJson(c["schema"]);
        if (schema.ok() && c.contains("row")) (void)riik::store::RowFromJson(c["row"], *schema, false);
      }
    }
  }
  return 0;
}
