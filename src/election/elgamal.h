// Exponential ElGamal over ristretto255: a count m encrypted under the election key K
// as (α, β) = (r·G, m·G + r·K). Ciphertexts add: the sum encrypts the sum of the counts,
// which is how the tally adds up ballots without opening any.
#pragma once

#include <optional>

#include "election/group.h"

namespace riik::election {

struct Ciphertext {
  Point alpha;  // r·G
  Point beta;   // m·G + r·K

  Ciphertext operator+(const Ciphertext& o) const { return {alpha + o.alpha, beta + o.beta}; }
  bool operator==(const Ciphertext& o) const { return alpha == o.alpha && beta == o.beta; }
};

// m encrypted under `key` with the randomness `r` (the caller keeps r to prove what it
// encrypts, or to show it to the voter's check).
Ciphertext Encrypt(const Point& key, uint64_t m, const Scalar& r);

// What `c` encrypts, given the randomness it was made with: m if β − r·K = m·G for some
// m ≤ max, else nullopt (and nullopt if α ≠ r·G: r is not this ciphertext's).
std::optional<uint64_t> OpenWithRandomness(const Ciphertext& c, const Point& key, const Scalar& r, uint64_t max);

}  // namespace riik::election
