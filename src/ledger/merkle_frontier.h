// The right border of an append-only RFC 9162 Merkle tree: the roots of its perfect
// subtrees, largest first (one per set bit of the size, O(log n) hashes). Enough to
// append leaves and compute the root without the whole tree, so the message log can
// compute a batch's root on a copy and advance its real tree only once the batch is
// stored, and `log verify` can check a log of any size in O(log n) memory.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/merkle.h"

namespace riik::ledger {

class MerkleFrontier {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return size_; }
  // The tree's root (the empty tree's root when size() == 0); equal to
  // MerkleTree::Root() over the same leaves.
  Hash Root() const;

 private:
  struct Subtree {
    Hash hash;
    uint64_t leaves;
  };
  std::vector<Subtree> subtrees_;  // sizes strictly decreasing powers of two
  uint64_t size_ = 0;
};

}  // namespace riik::ledger
