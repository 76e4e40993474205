// The right border of an append-only Merkle tree.
#include "ledger/merkle_frontier.h"

namespace riik::ledger {

void MerkleFrontier::Append(const Hash& leaf_hash) {
  subtrees_.push_back({leaf_hash, 1});
  // Two perfect subtrees of equal size side by side are the halves of the next size.
  while (subtrees_.size() >= 2 && subtrees_[subtrees_.size() - 2].leaves == subtrees_.back().leaves) {
    Subtree right = subtrees_.back();
    subtrees_.pop_back();
    Subtree& left = subtrees_.back();
    left.hash = ledger::NodeHash(left.hash, right.hash);
    left.leaves *= 2;
  }
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (subtrees_.empty()) return EmptyRoot();
  // RFC 9162 splits n leaves at the largest power of two below n, so the root is the
  // perfect subtrees folded from the right: node(s0, node(s1, … node(s[k-1], s[k]))).
  Hash acc = subtrees_.back().hash;
  for (size_t i = subtrees_.size() - 1; i-- > 0;) acc = ledger::NodeHash(subtrees_[i].hash, acc);
  return acc;
}

}  // namespace riik::ledger
