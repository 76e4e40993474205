// Proof that two discrete logarithms are equal (Chaum–Pedersen, non-interactive): the
// holder of x shows that X = x·G and D = x·A share x. A trustee proves with it that its
// partial decryption D of a ciphertext (A = α) used its own key share (X its public share).
//
// Form: (a, b) = (u·G, u·A), c = H("riik-election-v1/equality", election, context, X, A,
// D, a, b), z = u + c·x; it holds if z·G = a + c·X and z·A = b + c·D.
#pragma once

#include "election/group.h"

namespace riik::election {

struct EqualityProof {
  Point a;          // u·G
  Point b;          // u·A
  Scalar response;  // z
};

EqualityProof ProveEqualLogs(std::string_view election, std::string_view context, const Scalar& x, const Point& x_g,
                             const Point& base, const Point& x_base);
// OkStatus if the proof holds for X = x·G and D = x·A; InvalidArgument otherwise.
Status VerifyEqualLogs(std::string_view election, std::string_view context, const Point& x_g, const Point& base,
                       const Point& x_base, const EqualityProof& proof);

}  // namespace riik::election
