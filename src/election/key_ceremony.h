// The key ceremony: n trustees make the election key together so that any t of them can
// decrypt the tally and fewer cannot, and the private key never exists anywhere
// (Pedersen's distributed key generation over Feldman's verifiable secret sharing).
//
// Trustee i (numbered 1 … n) draws a secret polynomial f_i of degree t − 1 and publishes
// the commitments A_ik = a_ik·G to its coefficients, each with a Schnorr proof that it
// knows a_ik. It sends trustee j the share f_i(j) privately; j checks it against the
// commitments: f_i(j)·G = Σ_k j^k·A_ik. Trustee j's key share is x_j = Σ_i f_i(j); its
// public share X_j = x_j·G and the election key K = Σ_i A_i0 follow from the published
// commitments alone, so anyone can recompute them from the record.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "election/schnorr_proof.h"

namespace riik::election {

// The most trustees a ceremony may have (bounds the work of checking one).
inline constexpr uint32_t kMaxTrustees = 64;

// A trustee's secret polynomial: coefficients a_0 … a_{t−1}. Never leaves the trustee.
struct Polynomial {
  std::vector<Scalar> coefficients;
  Scalar At(uint32_t x) const;  // f(x)
  ~Polynomial();                // wipes the coefficients
};

// What a trustee publishes: its commitments and the proofs that it knows each coefficient.
struct TrusteeCommitments {
  uint32_t trustee = 0;              // 1 … n
  std::vector<Point> commitments;    // A_0 … A_{t−1}
  std::vector<SchnorrProof> proofs;  // one per commitment
};

// Checks n and t: 1 ≤ t ≤ n ≤ kMaxTrustees.
Status CheckThreshold(uint32_t trustees, uint32_t threshold);

Polynomial NewPolynomial(uint32_t threshold);
TrusteeCommitments Commit(std::string_view election, uint32_t trustee, const Polynomial& f);
// OkStatus if the commitments are `threshold` valid elements, each proven; else which is not.
Status VerifyCommitments(std::string_view election, uint32_t threshold, const TrusteeCommitments& c);

// f_i(j)·G = Σ_k j^k·A_ik: the share trustee j got from trustee i is the one committed to.
Status VerifyShare(const TrusteeCommitments& from, uint32_t recipient, const Scalar& share);

// K = Σ_i A_i0, over every trustee's commitments.
Point ElectionKey(std::span<const TrusteeCommitments> all);
// X_j = Σ_i Σ_k j^k·A_ik: trustee j's public share.
Point PublicShare(std::span<const TrusteeCommitments> all, uint32_t trustee);

}  // namespace riik::election
