// Merkle trees as Certificate Transparency defines them (RFC 9162 §2.1, the same as
// RFC 6962): leaf hash SHA-256(0x00 || data), node hash SHA-256(0x01 || left || right),
// the tree over n leaves split at the largest power of two below n. Inclusion and
// consistency proofs are made from leaf hashes and checked with nothing but the proof,
// so anyone can verify a log without trusting whoever keeps it. The message log, the
// data tracker and the embassy all build on these (docs/formats/merkle.md).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/sha256.h"

namespace riik::ledger {

using Hash = Digest;

Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);
// The root of the empty tree: SHA-256 of nothing.
Hash EmptyRoot();

// The Merkle Tree Hash of `leaves` (leaf hashes), O(n).
Hash RootOf(std::span<const Hash> leaves);

// Checks an inclusion proof (audit path) of the leaf at `index` in a tree of `size`
// leaves against `root`. DataLoss names what does not hold (index out of range, a
// proof of the wrong length, a different root).
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                       const Hash& root);
// The root an inclusion proof leads to (the verification without the final compare).
Result<Hash> RootFromInclusion(uint64_t index, uint64_t size, const Hash& leaf, std::span<const Hash> proof);

// Checks that the tree of `new_size` with `new_root` extends the one of `old_size`
// with `old_root` (nothing removed or changed, only appended).
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof);

// An append-only tree that keeps every complete subtree's hash (about two hashes per
// leaf), so roots and proofs of any earlier size cost O(log n).
class MerkleTree {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& leaf(uint64_t index) const { return levels_[0][index]; }

  // The root of the first `tree_size` leaves; InvalidArgument beyond size().
  Result<Hash> Root(uint64_t tree_size) const;
  Hash Root() const;
  // The audit path of leaf `index` in the tree of `tree_size` leaves.
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t tree_size) const;
  // The proof that the tree of `new_size` extends the tree of `old_size`.
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size) const;

 private:
  Hash Range(uint64_t begin, uint64_t end) const;  // MTH of leaves [begin, end), end > begin
  void Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out) const;
  void SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole, std::vector<Hash>& out) const;

  // levels_[k][i]: the hash of the complete subtree of 2^k leaves starting at i * 2^k.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace riik::ledger
