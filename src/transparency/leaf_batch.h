// The leaves of one sealed batch as the log stores them: one text of netstrings, each
// leaf as its key then its bytes (docs/formats/signed_log.md, "Storage"):
//   <length>:<key>,<length>:<leaf>,   …once per leaf, in leaf order
// A length is decimal, without leading zeros, and counts bytes. The text is read back
// from a store that may have been tampered with, so decoding is strict and bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::transparency {

struct KeyedLeaf {
  std::string key;
  std::string leaf;
};

// Appends `bytes` as one netstring.
void AppendNetstring(std::string& out, std::string_view bytes);
// Appends one leaf (its key, then its bytes) to a batch's text.
void AppendKeyedLeaf(std::string& out, std::string_view key, std::string_view leaf);

// The `count` leaves of a batch's text; DataLoss saying what is wrong unless the text is
// exactly `count` well-formed pairs. `count` above kMaxBatchLeaves is refused at once.
inline constexpr size_t kMaxBatchLeaves = 1 << 20;
Result<std::vector<KeyedLeaf>> DecodeLeafBatch(std::string_view text, size_t count);

}  // namespace riik::transparency
