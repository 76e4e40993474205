// Strict reading of the JSON objects in untrusted documents (evidence files, stored
// log rows): an object must have exactly the expected keys, each of the expected type
// and within its limits, and every value has one spelling only (lower-case hex,
// canonical base64), so that no changed byte can leave a document meaning the same.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "crypto/sha256.h"

namespace riik {

class JsonFields {
 public:
  // Fails unless `json` is an object whose keys are exactly `keys`. `what` names the
  // object in error messages, e.g. "entries[0].head".
  static Result<JsonFields> Of(const Json& json, std::string what, std::initializer_list<std::string_view> keys);
  // As above, but the keys in `optional` may also be there, or not.
  static Result<JsonFields> Of(const Json& json, std::string what, std::initializer_list<std::string_view> keys,
                               std::initializer_list<std::string_view> optional);
  bool Has(std::string_view key) const;

  // Each accessor fails with InvalidArgument naming "<what>.<key>" and what was wrong.
  Result<std::string> Text(std::string_view key, size_t max_bytes) const;  // UTF-8 string
  Result<int64_t> Int(std::string_view key, int64_t min, int64_t max) const;
  Result<Digest> Hash(std::string_view key) const;                           // 64 lower-case hex digits
  Result<std::string> Base64(std::string_view key, size_t max_bytes) const;  // canonical base64, decoded
  Result<std::vector<Digest>> Hashes(std::string_view key, size_t max_items) const;
  Result<std::vector<std::string>> Texts(std::string_view key, size_t max_items, size_t max_bytes) const;
  // An array of at most max_items (returned by reference into the parsed document).
  Result<const Json*> Array(std::string_view key, size_t max_items) const;
  const Json& operator[](std::string_view key) const;
  std::string Name(std::string_view key) const;  // "<what>.<key>"

 private:
  JsonFields(const Json& json, std::string what) : json_(&json), what_(std::move(what)) {}
  const Json* json_;
  std::string what_;
};

// A digest as 64 lower-case hex digits; anything else (upper case too) is refused.
Result<Digest> DigestFromHex(std::string_view hex);
// Base64 that re-encodes to exactly `text` (no stray bits in the last group).
Result<std::string> CanonicalBase64Decode(std::string_view text);

}  // namespace riik
