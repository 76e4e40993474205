// Proof that a ciphertext encrypts a count within [lo, hi] (a disjunctive Chaum–Pedersen
// proof, non-interactive): a selection is 0 or 1, a contest's total is within its limits,
// and nothing else about the count is revealed.
//
// For each j in [lo, hi] the branch "α = r·G and β − j·G = r·K" gets commitments
// (a_j, b_j), a challenge c_j and a response v_j. The prover answers the true branch and
// simulates the others; the challenges must add up to
//   c = H("riik-election-v1/range", election, context, K, α, β, lo, hi, a_lo, b_lo, …, a_hi, b_hi),
// so it can simulate all but one. The proof carries every a_j, b_j, v_j and every c_j
// but the last, which is c minus the others. Each branch holds if
//   v_j·G = a_j + c_j·α   and   v_j·K = b_j + c_j·(β − j·G).
// Commitments are carried (not recomputed from the responses) so that a verifier can
// check many proofs in one batch.
#pragma once

#include <vector>

#include "election/elgamal.h"

namespace riik::election {

// The most values a proof may cover (a contest's limits): bounds a verifier's work.
inline constexpr uint64_t kMaxRangeBranches = 65;  // 0 … 64: a total over 64 options

struct RangeProof {
  struct Branch {
    Point a, b;
    Scalar response;   // v_j
    Scalar challenge;  // c_j; for the last branch, derived (not carried)
  };
  std::vector<Branch> branches;  // j = lo … hi
};

// The proof that `c` = Encrypt(key, m, r) holds a count in [lo, hi]; InvalidArgument if
// m is outside it or the range is empty or too wide.
Result<RangeProof> ProveRange(std::string_view election, std::string_view context, const Point& key,
                              const Ciphertext& c, uint64_t m, const Scalar& r, uint64_t lo, uint64_t hi);

// Checks the proof's shape against [lo, hi] and derives its last challenge from the
// transcript (c minus the others): what VerifyRange does before the relations, and what
// a batch (batch_check.h) needs before it takes them. InvalidArgument for a wrong shape.
Status CompleteRange(std::string_view election, std::string_view context, const Point& key, const Ciphertext& c,
                     uint64_t lo, uint64_t hi, RangeProof& proof);

// OkStatus if the proof shows `c` holds a count in [lo, hi]; InvalidArgument saying
// which part failed. Fills in the last branch's challenge.
Status VerifyRange(std::string_view election, std::string_view context, const Point& key, const Ciphertext& c,
                   uint64_t lo, uint64_t hi, RangeProof& proof);

}  // namespace riik::election
