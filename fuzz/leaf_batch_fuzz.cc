// Fuzzes the decoding of a signed log's stored batch of leaves (src/transparency/
// leaf_batch.h), which is read back from a store that may have been tampered with. The
// input is the leaf count on the first line, then the batch's text. Never crashes; a
// refusal always says why; an accepted text is exactly what encoding its leaves gives.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "seeds.h"
#include "transparency/leaf_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline == 0 || newline > 7) return 0;
  size_t count = 0;
  for (char c : input.substr(0, newline)) {
    if (c < '0' || c > '9') return 0;
    count = count * 10 + static_cast<size_t>(c - '0');
  }
  std::string_view text = input.substr(newline + 1);
  auto leaves = riik::transparency::DecodeLeafBatch(text, count);
  if (!leaves.ok()) {
    if (leaves.status().message().empty()) std::abort();  // every refusal says why
    riik::fuzz::RequireValid(false, leaves.status().message());
    return 0;
  }
  if (leaves->size() != count) std::abort();
  std::string again;
  for (const auto& l : *leaves) riik::transparency::AppendKeyedLeaf(again, l.key, l.leaf);
  if (again != text) std::abort();
  return 0;
}
