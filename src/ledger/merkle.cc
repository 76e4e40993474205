// RFC 9162 Merkle trees: hashing, proofs, verification.
#include "ledger/merkle.h"

#include <bit>
#include <string>

namespace riik::ledger {
namespace {

// The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree.
uint64_t Split(uint64_t n) { return std::bit_floor(n - 1); }

std::string Short(const Hash& h) { return DigestHex(h).substr(0, 16); }

}  // namespace

Hash LeafHash(std::string_view data) {
  Sha256Hasher h;
  h.Update(std::string_view("\x00", 1));
  h.Update(data);
  return h.Finish();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  Sha256Hasher h;
  h.Update(std::string_view("\x01", 1));
  h.Update(std::string_view(reinterpret_cast<const char*>(left.data()), left.size()));
  h.Update(std::string_view(reinterpret_cast<const char*>(right.data()), right.size()));
  return h.Finish();
}

Hash EmptyRoot() { return Sha256(""); }

Hash RootOf(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  uint64_t k = Split(leaves.size());
  return NodeHash(RootOf(leaves.first(k)), RootOf(leaves.subspan(k)));
}

Result<Hash> RootFromInclusion(uint64_t index, uint64_t size, const Hash& leaf, std::span<const Hash> proof) {
  if (index >= size) {
    return DataLoss("inclusion proof for leaf " + std::to_string(index) + " of a tree of " + std::to_string(size));
  }
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return DataLoss("the inclusion proof is longer than the tree is deep");
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLoss("the inclusion proof is too short for a tree of " + std::to_string(size));
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                       const Hash& root) {
  ASSIGN_OR_RETURN(Hash got, RootFromInclusion(index, size, leaf, proof));
  if (got != root) {
    return DataLoss("the inclusion proof of leaf " + std::to_string(index) + " leads to root " + Short(got) +
                    "…, not " + Short(root) + "…");
  }
  return OkStatus();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof) {
  if (old_size > new_size) {
    return DataLoss("a tree of " + std::to_string(new_size) + " cannot extend one of " + std::to_string(old_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return DataLoss("a consistency proof between equal sizes must be empty");
    if (old_root != new_root) return DataLoss("two different roots for the same tree size " + std::to_string(old_size));
    return OkStatus();
  }
  if (old_size == 0) {
    if (!proof.empty()) return DataLoss("a consistency proof from the empty tree must be empty");
    return OkStatus();
  }
  if (proof.empty()) return DataLoss("the consistency proof is empty");
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return DataLoss("the consistency proof is longer than the tree is deep");
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLoss("the consistency proof is too short");
  if (fr != old_root) return DataLoss("the consistency proof does not lead to the old root " + Short(old_root) + "…");
  if (sr != new_root) return DataLoss("the consistency proof does not lead to the new root " + Short(new_root) + "…");
  return OkStatus();
}

void MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Every subtree this leaf completes: climb while the level has an even count.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    const auto& level = levels_[k];
    Hash parent = NodeHash(level[level.size() - 2], level.back());
    if (levels_.size() == k + 1) levels_.emplace_back();
    levels_[k + 1].push_back(parent);
  }
}

Hash MerkleTree::Range(uint64_t begin, uint64_t end) const {
  uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return levels_[std::countr_zero(n)][begin / n];  // a complete subtree: stored
  }
  uint64_t k = Split(n);
  return NodeHash(Range(begin, begin + k), Range(begin + k, end));
}

Result<Hash> MerkleTree::Root(uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgument("the tree has " + std::to_string(size()) + " leaves, not " + std::to_string(tree_size));
  }
  return tree_size == 0 ? EmptyRoot() : Range(0, tree_size);
}

Hash MerkleTree::Root() const { return size() == 0 ? EmptyRoot() : Range(0, size()); }

void MerkleTree::Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out) const {
  uint64_t n = end - begin;
  if (n == 1) return;
  uint64_t k = Split(n);
  if (index < begin + k) {
    Path(index, begin, begin + k, out);
    out.push_back(Range(begin + k, end));
  } else {
    Path(index, begin + k, end, out);
    out.push_back(Range(begin, begin + k));
  }
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size() || index >= tree_size) {
    return InvalidArgument("no leaf " + std::to_string(index) + " in a tree of " + std::to_string(tree_size) +
                           " (the log has " + std::to_string(size()) + ")");
  }
  std::vector<Hash> out;
  Path(index, 0, tree_size, out);
  return out;
}

void MerkleTree::SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole, std::vector<Hash>& out) const {
  uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(Range(begin, end));
    return;
  }
  uint64_t k = Split(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, whole, out);
    out.push_back(Range(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, out);
    out.push_back(Range(begin, begin + k));
  }
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  if (new_size > size() || old_size > new_size) {
    return InvalidArgument("no consistency proof from " + std::to_string(old_size) + " to " +
                           std::to_string(new_size) + " leaves (the log has " + std::to_string(size()) + ")");
  }
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  SubProof(old_size, 0, new_size, true, out);
  return out;
}

}  // namespace riik::ledger
