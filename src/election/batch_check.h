// Many proofs checked at once. Every relation a proof's check comes down to has the form
// Σ k_i·P_i = O (the identity); a batch multiplies each relation by a fresh random 128-bit
// weight and adds them all into one multi-scalar multiplication, computed by Pippenger's
// bucket method on libdecaf's decoded points. If every relation holds, so does the sum;
// if one does not, the sum is the identity only with probability about 2^-128. A batch
// that fails says only that something is wrong: the caller checks one by one to name it.
//
// Variable time: for public values only (checking, never proving).
#pragma once

#include <memory>
#include <vector>

#include "election/elgamal.h"
#include "election/range_proof.h"

namespace riik::election {

class BatchCheck {
 public:
  explicit BatchCheck(const Point& key);  // the election key, K
  ~BatchCheck();
  BatchCheck(const BatchCheck&) = delete;
  BatchCheck& operator=(const BatchCheck&) = delete;

  // Adds the relations of a range proof whose challenges are complete (CompleteRange):
  // for each branch j, v_j·G = a_j + c_j·α and v_j·K = b_j + c_j·(β − j·G). `sum_of`:
  // the proof is over the sum of these ciphertexts (a contest's total): α and β enter as
  // theirs, so the sum's points need no decoding of their own.
  void AddRange(std::span<const Ciphertext> sum_of, uint64_t lo, const RangeProof& proof);

  // Whether every relation added holds (true for an empty batch).
  bool Holds() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riik::election
