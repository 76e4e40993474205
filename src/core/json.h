// JSON parsing with limits, and the canonical form riik hashes.
//
// Canonical JSON (used by the journal, see docs/formats/journal.md): UTF-8, object keys
// sorted by byte value, no insignificant whitespace, integers only (no floats), strings
// escaped as nlohmann::json does (minimal escaping, \u00XX for control characters).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

using Json = nlohmann::json;

struct JsonLimits {
  size_t max_bytes = 1 << 20;
  int max_depth = 32;
};

// Parses untrusted text. Errors name the byte offset and what was expected.
Result<Json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Serialises `value` canonically. Fails if it holds a floating-point number.
Result<std::string> CanonicalJson(const Json& value);

// Appends `text` as a JSON string in the canonical form (what CanonicalJson writes for
// valid UTF-8): '"' and '\' escaped, \b \f \n \r \t, other control characters as
// \u00xx, everything else (UTF-8 included) as it is. For the canonical forms written
// directly, without building a document first, on the paths of every write.
void AppendJsonString(std::string& out, std::string_view text);

// A member of an object if it is there with the type asked for, else `fallback`. Never
// throws, whatever `j` holds (nlohmann's value() throws on a member of another type):
// for reading documents that come from elsewhere.
std::string StringOr(const Json& j, std::string_view key, std::string fallback = "");
int64_t IntOr(const Json& j, std::string_view key, int64_t fallback = 0);
bool BoolOr(const Json& j, std::string_view key, bool fallback = false);

// `value` as an integer within min..max, or an error naming it `name` and saying what
// was wrong. Read numbers from elsewhere with this, never with get<int>(): nlohmann
// converts a float by a plain cast, which truncates 1.5 and is undefined for 1e300.
Result<int64_t> IntegerIn(const Json& value, std::string_view name, int64_t min, int64_t max);

}  // namespace riik
