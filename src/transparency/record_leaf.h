// The leaf check (verify.h's LeafCheck) of a log whose leaves are records in canonical
// JSON, each stored under a key the record names: the exchange's message log (under the
// X-Road-Id), the data tracker (under the person's code).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"

namespace riik::transparency {

// How a log's records are read and written: `what` names a record in messages ("record",
// "access record"), `from_json` is the strict reader (Result<Record>), `to_leaf` the
// leaf it writes (Result<std::string>, canonical JSON), `key_of` the key the record
// belongs under and `other_key` how a wrong key is named ("another X-Road-Id").
template <typename FromJson, typename ToLeaf, typename KeyOf>
struct RecordLeafFormat {
  std::string_view what;
  FromJson from_json;
  ToLeaf to_leaf;
  KeyOf key_of;
  std::string_view other_key;
};

// (Spelled out for clang 14, which deduces no aggregate's arguments by itself.)
template <typename FromJson, typename ToLeaf, typename KeyOf>
RecordLeafFormat(std::string_view, FromJson, ToLeaf, KeyOf, std::string_view)
    -> RecordLeafFormat<FromJson, ToLeaf, KeyOf>;

// DataLoss saying what is wrong unless `leaf` is a valid record, byte for byte the leaf
// that record is written as, stored under its own key.
template <typename FromJson, typename ToLeaf, typename KeyOf>
Status CheckRecordLeaf(const RecordLeafFormat<FromJson, ToLeaf, KeyOf>& format, const std::string& key,
                       const std::string& leaf) {
  Result<Json> json = ParseJson(leaf);
  if (!json.ok()) return DataLoss("is not JSON: " + json.status().message());
  auto record = format.from_json(*json);
  if (!record.ok()) return DataLoss("is not a valid " + std::string(format.what) + ": " + record.status().message());
  Result<std::string> canonical = format.to_leaf(*record);
  if (!canonical.ok() || *canonical != leaf) return DataLoss("is not in canonical form");
  if (format.key_of(*record) != key) return DataLoss("is stored under " + std::string(format.other_key));
  return OkStatus();
}

}  // namespace riik::transparency
