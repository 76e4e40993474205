// The Merkle tree against the RFC 6962 / Certificate Transparency test vectors (roots
// for sizes 0..8, inclusion and consistency proofs), every proof of trees up to 70
// leaves, and proofs that must fail: a flipped bit, a wrong index or size, a missing,
// extra or reordered hash.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace riik::ledger {
namespace {

Hash H(const std::string& hex) {
  auto bytes = HexDecode(hex);
  Hash h{};
  EXPECT_TRUE(bytes.ok() && bytes->size() == h.size()) << hex;
  if (bytes.ok() && bytes->size() == h.size()) std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// The eight reference leaves and the roots of their first 0..8.
const char* kLeaves[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                         "606162636465666768696a6b6c6d6e6f"};
const char* kRoots[] = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

MerkleTree ReferenceTree() {
  MerkleTree t;
  for (const char* hex : kLeaves) t.Append(LeafHash(*HexDecode(hex)));
  return t;
}

MerkleTree Numbered(int n) {
  MerkleTree t;
  for (int i = 0; i < n; ++i) t.Append(LeafHash("record " + std::to_string(i)));
  return t;
}

TEST(Merkle, RootsMatchTheReferenceVectors) {
  MerkleTree t = ReferenceTree();
  std::vector<Hash> leaves;
  for (uint64_t n = 0; n <= 8; ++n) {
    EXPECT_EQ(DigestHex(*t.Root(n)), kRoots[n]) << "size " << n;
    EXPECT_EQ(DigestHex(RootOf(std::span(leaves))), kRoots[n]) << "size " << n;
    if (n < 8) leaves.push_back(t.leaf(n));
  }
  EXPECT_FALSE(t.Root(9).ok());
}

TEST(Merkle, InclusionProofsMatchTheReferenceVectors) {
  struct Case {
    uint64_t index, size;
    std::vector<const char*> proof;
  } cases[] = {
      {0, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  MerkleTree t = ReferenceTree();
  for (const auto& c : cases) {
    auto proof = t.InclusionProof(c.index, c.size);
    ASSERT_TRUE(proof.ok());
    ASSERT_EQ(proof->size(), c.proof.size());
    for (size_t i = 0; i < c.proof.size(); ++i) EXPECT_EQ(DigestHex((*proof)[i]), c.proof[i]);
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, t.leaf(c.index), *proof, H(kRoots[c.size])).ok());
  }
}

TEST(Merkle, ConsistencyProofsMatchTheReferenceVectors) {
  struct Case {
    uint64_t old_size, new_size;
    std::vector<const char*> proof;
  } cases[] = {
      {1, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  MerkleTree t = ReferenceTree();
  for (const auto& c : cases) {
    auto proof = t.ConsistencyProof(c.old_size, c.new_size);
    ASSERT_TRUE(proof.ok());
    ASSERT_EQ(proof->size(), c.proof.size()) << c.old_size << "->" << c.new_size;
    for (size_t i = 0; i < c.proof.size(); ++i) EXPECT_EQ(DigestHex((*proof)[i]), c.proof[i]);
    EXPECT_TRUE(VerifyConsistency(c.old_size, c.new_size, H(kRoots[c.old_size]), H(kRoots[c.new_size]), *proof).ok());
  }
}

// Every way of spoiling a valid proof must fail.
void ExpectInclusionRejectsTampering(uint64_t index, uint64_t size, const Hash& leaf, std::vector<Hash> proof,
                                     const Hash& root) {
  EXPECT_FALSE(VerifyInclusion(index + 1, size, leaf, proof, root).ok());
  if (index > 0) {
    EXPECT_FALSE(VerifyInclusion(index - 1, size, leaf, proof, root).ok());
  }
  EXPECT_FALSE(VerifyInclusion(index, size * 2 + 1, leaf, proof, root).ok());
  if (size > 1) {
    EXPECT_FALSE(VerifyInclusion(index, size / 2, leaf, proof, root).ok());
  }
  EXPECT_FALSE(VerifyInclusion(index, size, LeafHash("not the leaf"), proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(index, size, leaf, proof, EmptyRoot()).ok());
  auto extended = proof;
  extended.push_back(root);
  EXPECT_FALSE(VerifyInclusion(index, size, leaf, extended, root).ok());
  for (size_t i = 0; i < proof.size(); ++i) {
    auto flipped = proof;
    flipped[i][0] ^= 8;
    EXPECT_FALSE(VerifyInclusion(index, size, leaf, flipped, root).ok());
  }
  if (!proof.empty()) {
    proof.pop_back();
    EXPECT_FALSE(VerifyInclusion(index, size, leaf, proof, root).ok());
  }
}

TEST(Merkle, EveryInclusionProofUpTo70LeavesVerifiesAndNoTamperedOneDoes) {
  MerkleTree t;
  for (uint64_t size = 1; size <= 70; ++size) {
    t.Append(LeafHash("record " + std::to_string(size - 1)));
    Hash root = t.Root();
    for (uint64_t i = 0; i < size; ++i) {
      auto proof = t.InclusionProof(i, size);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(i, size, t.leaf(i), *proof, root).ok()) << i << "/" << size;
      if (size % 7 == 0) ExpectInclusionRejectsTampering(i, size, t.leaf(i), *proof, root);
    }
  }
}

TEST(Merkle, EveryConsistencyProofUpTo40LeavesVerifiesAndNoTamperedOneDoes) {
  MerkleTree t = Numbered(40);
  for (uint64_t m = 0; m <= 40; ++m) {
    for (uint64_t n = m; n <= 40; ++n) {
      auto proof = t.ConsistencyProof(m, n);
      ASSERT_TRUE(proof.ok());
      Hash old_root = *t.Root(m), new_root = *t.Root(n);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof).ok()) << m << "->" << n;
      if (m == 0 || m == n) continue;
      EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, *proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n * 2, old_root, new_root, *proof).ok());
      EXPECT_FALSE(VerifyConsistency(m + 1, n, old_root, new_root, *proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}).ok());
      for (size_t i = 0; i < proof->size(); ++i) {
        auto flipped = *proof;
        flipped[i][31] ^= 16;
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, flipped).ok()) << m << "->" << n << " #" << i;
      }
      auto longer = *proof;
      longer.push_back(new_root);
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer).ok());
    }
  }
}

TEST(Merkle, AChangedOrRemovedRecordBreaksConsistency) {
  MerkleTree honest = Numbered(20);
  MerkleTree rewritten;
  for (int i = 0; i < 20; ++i) rewritten.Append(LeafHash(i == 7 ? "edited" : "record " + std::to_string(i)));
  for (int i = 20; i < 25; ++i) rewritten.Append(LeafHash("record " + std::to_string(i)));
  auto proof = rewritten.ConsistencyProof(20, 25);
  ASSERT_TRUE(proof.ok());
  Status st = VerifyConsistency(20, 25, honest.Root(), rewritten.Root(), *proof);
  EXPECT_EQ(st.code(), Code::kDataLoss);
  EXPECT_NE(st.message().find("old root"), std::string::npos) << st.ToString();
}

TEST(Merkle, OutOfRangeRequestsAreRefused) {
  MerkleTree t = Numbered(5);
  EXPECT_FALSE(t.InclusionProof(5, 5).ok());
  EXPECT_FALSE(t.InclusionProof(0, 6).ok());
  EXPECT_FALSE(t.ConsistencyProof(4, 3).ok());
  EXPECT_FALSE(t.ConsistencyProof(1, 6).ok());
  EXPECT_FALSE(VerifyInclusion(0, 0, t.leaf(0), {}, t.Root()).ok());
  EXPECT_EQ(DigestHex(MerkleTree().Root()), kRoots[0]);
}

}  // namespace
}  // namespace riik::ledger
