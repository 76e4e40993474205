// A row's canonical JSON (docs/formats/journal.md) written directly, without building a
// JSON document first: what every journaled put and delete records, so it is on the
// path of every write. Byte for byte the same as CanonicalJson(RowToJson(row)) for a
// normalised row (valid UTF-8 without NUL, as NormalizeRow guarantees).
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"  // AppendJsonString
#include "store/value.h"

namespace riik::store {

// Appends a value: an integer, a JSON string, a blob as a base64 JSON string, or null.
void AppendCanonicalValue(std::string& out, const Value& value);
// Appends the row as a JSON object, keys in byte order (the map's order).
void AppendCanonicalRow(std::string& out, const Row& row);

}  // namespace riik::store
