// Strict reading of JSON objects from untrusted documents.
#include "crypto/json_fields.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/encoding.h"

namespace riik {

Result<JsonFields> JsonFields::Of(const Json& json, std::string what, std::initializer_list<std::string_view> keys) {
  return Of(json, std::move(what), keys, {});
}

Result<JsonFields> JsonFields::Of(const Json& json, std::string what, std::initializer_list<std::string_view> keys,
                                  std::initializer_list<std::string_view> optional) {
  if (!json.is_object()) return InvalidArgument(what + ": expected a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end() &&
        std::find(optional.begin(), optional.end(), key) == optional.end()) {
      return InvalidArgument(what + ": unexpected field '" + key + "'");
    }
  }
  for (std::string_view key : keys) {
    if (!json.contains(key)) return InvalidArgument(what + ": missing field '" + std::string(key) + "'");
  }
  return JsonFields(json, std::move(what));
}

const Json& JsonFields::operator[](std::string_view key) const { return json_->at(std::string(key)); }

bool JsonFields::Has(std::string_view key) const { return json_->contains(key); }

std::string JsonFields::Name(std::string_view key) const { return what_ + "." + std::string(key); }

Result<std::string> JsonFields::Text(std::string_view key, size_t max_bytes) const {
  const Json& v = (*this)[key];
  if (!v.is_string()) return InvalidArgument(Name(key) + ": expected a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return InvalidArgument(Name(key) + ": longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(s)) return InvalidArgument(Name(key) + ": not valid UTF-8");
  return s;
}

Result<int64_t> JsonFields::Int(std::string_view key, int64_t min, int64_t max) const {
  return IntegerIn((*this)[key], Name(key), min, max);
}

Result<Digest> JsonFields::Hash(std::string_view key) const {
  ASSIGN_OR_RETURN(std::string hex, Text(key, 2 * kSha256Size));
  Result<Digest> d = DigestFromHex(hex);
  if (!d.ok()) return d.status().WithContext(Name(key));
  return d;
}

Result<std::string> JsonFields::Base64(std::string_view key, size_t max_bytes) const {
  ASSIGN_OR_RETURN(std::string text, Text(key, (max_bytes + 2) / 3 * 4));
  Result<std::string> bytes = CanonicalBase64Decode(text);
  if (!bytes.ok()) return bytes.status().WithContext(Name(key));
  return bytes;
}

Result<const Json*> JsonFields::Array(std::string_view key, size_t max_items) const {
  const Json& v = (*this)[key];
  if (!v.is_array()) return InvalidArgument(Name(key) + ": expected an array");
  if (v.size() > max_items) {
    return InvalidArgument(Name(key) + ": more than " + std::to_string(max_items) + " items");
  }
  return &v;
}

Result<std::vector<Digest>> JsonFields::Hashes(std::string_view key, size_t max_items) const {
  ASSIGN_OR_RETURN(const Json* items, Array(key, max_items));
  std::vector<Digest> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    std::string where = Name(key) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return InvalidArgument(where + ": expected a hex string");
    Result<Digest> d = DigestFromHex(item.get_ref<const std::string&>());
    if (!d.ok()) return d.status().WithContext(where);
    out.push_back(*d);
  }
  return out;
}

Result<std::vector<std::string>> JsonFields::Texts(std::string_view key, size_t max_items, size_t max_bytes) const {
  ASSIGN_OR_RETURN(const Json* items, Array(key, max_items));
  std::vector<std::string> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    std::string where = Name(key) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return InvalidArgument(where + ": expected a string");
    const auto& s = item.get_ref<const std::string&>();
    if (s.size() > max_bytes) return InvalidArgument(where + ": longer than " + std::to_string(max_bytes) + " bytes");
    out.push_back(s);
  }
  return out;
}

Result<Digest> DigestFromHex(std::string_view hex) {
  if (hex.size() != 2 * kSha256Size) return InvalidArgument("a SHA-256 digest is 64 hex digits");
  if (!std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return InvalidArgument("a digest is written in lower-case hex digits");
  }
  ASSIGN_OR_RETURN(std::string bytes, HexDecode(hex));
  Digest d{};
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

Result<std::string> CanonicalBase64Decode(std::string_view text) {
  ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text));
  if (Base64Encode(bytes) != text) return InvalidArgument("base64 is not in its canonical form");
  return bytes;
}

}  // namespace riik
