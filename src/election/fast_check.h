// The linear relations every proof's check comes down to, computed fast: on decoded
// elements with libdecaf (the same ristretto255 group and encoding as libsodium's; the
// tests hold the two to each other), with variable-time multi-scalar multiplication.
// Only for checking: every value here is public. Encrypting and proving, which handle
// secrets, stay on libsodium's constant-time arithmetic (group.h).
#pragma once

#include <memory>

#include "election/group.h"

namespace riik::election {

// z·G == a + c·X
bool BaseRelationHolds(const Scalar& z, const Point& a, const Scalar& c, const Point& x);
// z·A == b + c·D
bool PairRelationHolds(const Scalar& z, const Point& base, const Point& b, const Scalar& c, const Point& d);
// A range proof's branch for the value j: v·G == a + c·α and v·K == b + c·(β − j·G).
// The table of multiples of K is kept per thread for the last key seen.
bool RangeBranchHolds(const Scalar& v, const Scalar& c, uint64_t j, const Point& key, const Point& alpha,
                      const Point& beta, const Point& a, const Point& b);

// A sum of many points, added on decoded points (0.2 µs an addition, against libsodium's
// decode-add-encode round trip) and encoded once at the end: the tally's sums.
class PointSum {
 public:
  PointSum();
  ~PointSum();
  PointSum(PointSum&&) noexcept;
  PointSum& operator=(PointSum&&) noexcept;
  void Add(const Point& p);
  Point Total() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riik::election
