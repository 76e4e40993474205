// Random linear combinations of proof relations, checked by one Pippenger multi-scalar
// multiplication over libdecaf's points.
#include "election/batch_check.h"

#include <decaf.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <map>

namespace riik::election {
namespace {

// A random weight below 2^128: enough that a false relation survives with probability
// about 2^-128, half the cost of a full-size scalar in the multiplication.
Scalar Weight() {
  if (sodium_init() < 0) std::abort();  // no randomness: no batch can be trusted
  std::array<uint8_t, 64> wide{};
  randombytes_buf(wide.data(), 16);
  return Scalar::FromWide(wide);
}

// The c-bit digit of `k` starting at bit `at` (k little-endian, 256 bits).
uint32_t Digit(const Scalar& k, size_t at, size_t c) {
  uint32_t out = 0;
  for (size_t b = 0; b < c && at + b < 256; ++b) {
    const size_t bit = at + b;
    out |= static_cast<uint32_t>((k.data()[bit / 8] >> (bit % 8)) & 1) << b;
  }
  return out;
}

}  // namespace

struct BatchCheck::Impl {
  Point key;
  Scalar g, k;  // the coefficients of G and K, summed
  // Other points with their summed coefficients, keyed by encoding so that a point
  // shared by many relations (a selection's α and β) is decoded and added once.
  std::map<std::array<uint8_t, kElementBytes>, std::pair<Point, Scalar>> terms;

  void Add(const Scalar& coefficient, const Point& p) {
    std::array<uint8_t, kElementBytes> id;
    std::copy(p.data(), p.data() + kElementBytes, id.begin());
    auto [it, fresh] = terms.try_emplace(id, p, coefficient);
    if (!fresh) it->second.second = it->second.second + coefficient;
  }
};

BatchCheck::BatchCheck(const Point& key) : impl_(std::make_unique<Impl>()) { impl_->key = key; }
BatchCheck::~BatchCheck() = default;

void BatchCheck::AddRange(std::span<const Ciphertext> sum_of, uint64_t lo, const RangeProof& proof) {
  for (size_t i = 0; i < proof.branches.size(); ++i) {
    const auto& br = proof.branches[i];
    const Scalar w1 = Weight(), w2 = Weight();
    const Scalar j = Scalar::FromInt(lo + i);
    // w1·(v·G − a − c·α) + w2·(v·K − b − c·β + c·j·G) = O
    impl_->g = impl_->g + w1 * br.response + w2 * br.challenge * j;
    impl_->k = impl_->k + w2 * br.response;
    impl_->Add(-w1, br.a);
    impl_->Add(-w2, br.b);
    const Scalar on_alpha = -(w1 * br.challenge), on_beta = -(w2 * br.challenge);
    for (const Ciphertext& c : sum_of) {
      impl_->Add(on_alpha, c.alpha);
      impl_->Add(on_beta, c.beta);
    }
  }
}

bool BatchCheck::Holds() const {
  std::vector<Scalar> scalars(impl_->terms.size() + 2);
  std::vector<decaf_255_point_s> points(impl_->terms.size() + 2);
  size_t n = 0;
  auto decode = [&](const Scalar& k, const Point& p) {
    scalars[n] = k;
    // Every Point is a valid encoding: decoding cannot fail.
    if (decaf_255_point_decode(&points[n], p.data(), DECAF_TRUE) != DECAF_SUCCESS) std::abort();
    ++n;
  };
  decode(impl_->g, Point::Generator());
  decode(impl_->k, impl_->key);
  for (const auto& [id, term] : impl_->terms) decode(term.second, term.first);

  // Pippenger: windows of c bits from the top; in each, every point goes to the bucket of
  // its digit, and the buckets are summed with weights 1 … 2^c − 1 by running sums.
  const size_t c = n < 32 ? 4 : n < 1024 ? 7 : n < 16384 ? 10 : n < 262144 ? 12 : 14;
  std::vector<decaf_255_point_s> buckets((size_t{1} << c) - 1);
  decaf_255_point_t total, running, window_sum;
  decaf_255_point_copy(total, decaf_255_point_identity);
  for (size_t at = (256 + c - 1) / c * c; at > 0;) {
    at -= c;
    for (size_t d = 0; d < c; ++d) decaf_255_point_double(total, total);
    for (auto& b : buckets) decaf_255_point_copy(&b, decaf_255_point_identity);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t digit = Digit(scalars[i], at, c);
      if (digit) decaf_255_point_add(&buckets[digit - 1], &buckets[digit - 1], &points[i]);
    }
    decaf_255_point_copy(running, decaf_255_point_identity);
    decaf_255_point_copy(window_sum, decaf_255_point_identity);
    for (size_t b = buckets.size(); b-- > 0;) {
      decaf_255_point_add(running, running, &buckets[b]);
      decaf_255_point_add(window_sum, window_sum, running);
    }
    decaf_255_point_add(total, total, window_sum);
  }
  return decaf_255_point_eq(total, decaf_255_point_identity) == DECAF_TRUE;
}

}  // namespace riik::election
