// Netstrings of a batch's leaves.
#include "transparency/leaf_batch.h"

#include <algorithm>
#include <charconv>

namespace riik::transparency {
namespace {

// Reads one netstring at the front of `text` and removes it; `what` names it in errors.
Result<std::string_view> ReadNetstring(std::string_view& text, const std::string& what) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 10) {
    return DataLoss(what + " does not start with a length and ':'");
  }
  std::string_view digits = text.substr(0, colon);
  if (digits.size() > 1 && digits[0] == '0') return DataLoss(what + " has a length with a leading zero");
  size_t length = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return DataLoss(what + " has a length that is not a decimal number");
  }
  text.remove_prefix(colon + 1);
  if (length >= text.size()) return DataLoss(what + " is cut short");
  if (text[length] != ',') return DataLoss(what + " does not end with ','");
  std::string_view bytes = text.substr(0, length);
  text.remove_prefix(length + 1);
  return bytes;
}

}  // namespace

void AppendNetstring(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
  out += ',';
}

void AppendKeyedLeaf(std::string& out, std::string_view key, std::string_view leaf) {
  AppendNetstring(out, key);
  AppendNetstring(out, leaf);
}

Result<std::vector<KeyedLeaf>> DecodeLeafBatch(std::string_view text, size_t count) {
  if (count == 0 || count > kMaxBatchLeaves) {
    return DataLoss("a batch holds 1 to " + std::to_string(kMaxBatchLeaves) + " leaves, not " + std::to_string(count));
  }
  std::vector<KeyedLeaf> leaves;
  leaves.reserve(std::min(count, text.size() / 8 + 1));  // a leaf takes at least "0:,0:,"
  for (size_t i = 0; i < count; ++i) {
    const std::string what = "leaf " + std::to_string(i) + " of the batch";
    ASSIGN_OR_RETURN(std::string_view key, ReadNetstring(text, what + "'s key"));
    ASSIGN_OR_RETURN(std::string_view leaf, ReadNetstring(text, what));
    leaves.push_back({std::string(key), std::string(leaf)});
  }
  if (!text.empty()) return DataLoss("the batch holds more than its " + std::to_string(count) + " leaves");
  return leaves;
}

}  // namespace riik::transparency
