// Exponential ElGamal.
#include "election/elgamal.h"

namespace riik::election {

Ciphertext Encrypt(const Point& key, uint64_t m, const Scalar& r) { return {BaseTimes(r), BaseTimes(m) + r * key}; }

std::optional<uint64_t> OpenWithRandomness(const Ciphertext& c, const Point& key, const Scalar& r, uint64_t max) {
  if (!(BaseTimes(r) == c.alpha)) return std::nullopt;
  const Point mg = c.beta - r * key;
  Point candidate;  // 0·G
  for (uint64_t m = 0; m <= max; ++m) {
    if (candidate == mg) return m;
    candidate = candidate + Point::Generator();
  }
  return std::nullopt;
}

}  // namespace riik::election
