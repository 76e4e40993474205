// Threshold decryption of a ciphertext (the tally of one option): each of t trustees
// publishes its part D_j = x_j·α with an equality proof that it used the share behind its
// public share X_j; anyone combines t parts with Lagrange's weights at zero into
// m·G = β − Σ_j λ_j·D_j, and finds m by a discrete logarithm (discrete_log.h).
#pragma once

#include <span>
#include <vector>

#include "election/elgamal.h"
#include "election/equality_proof.h"

namespace riik::election {

struct DecryptionPart {
  uint32_t trustee = 0;  // 1 … n
  Point share;           // D_j = x_j·α
  EqualityProof proof;   // log_G X_j = log_α D_j
};

// Trustee j's part of decrypting `c`, with its key share x_j and public share X_j.
DecryptionPart DecryptPart(std::string_view election, std::string_view context, uint32_t trustee,
                           const Scalar& key_share, const Point& public_share, const Ciphertext& c);
Status VerifyPart(std::string_view election, std::string_view context, const Point& public_share, const Ciphertext& c,
                  const DecryptionPart& part);

// λ_j = Π_{k ≠ j} k / (k − j) over the trustees present; InvalidArgument if j is not
// among them, a number is 0 or repeated.
Result<Scalar> LagrangeAtZero(uint32_t trustee, std::span<const uint32_t> present);

// m·G from the parts of distinct trustees (at least the threshold of them, each
// verified by the caller): β − Σ λ_j·D_j.
Result<Point> CombineParts(const Ciphertext& c, std::span<const DecryptionPart> parts);

}  // namespace riik::election
