// Proof relations on libdecaf's decoded ristretto255 elements.
#include "election/fast_check.h"

#include <decaf.h>

#include <cstdlib>
#include <memory>

namespace riik::election {
namespace {

// Every Point is a valid encoding, so decoding cannot fail; the identity decodes too.
void Decode(decaf_255_point_t out, const Point& p) {
  if (decaf_255_point_decode(out, p.data(), DECAF_TRUE) != DECAF_SUCCESS) std::abort();
}

// Canonical scalars decode; a Scalar is always canonical.
void Decode(decaf_255_scalar_t out, const Scalar& s) {
  if (decaf_255_scalar_decode(out, s.data()) != DECAF_SUCCESS) std::abort();
}

// `want` == s1·G + s2·P, in variable time.
bool BaseCombinationIs(const Scalar& s1, const Point& p, const Scalar& s2, const decaf_255_point_t want) {
  decaf_255_scalar_t k1, k2;
  Decode(k1, s1);
  Decode(k2, s2);
  decaf_255_point_t pp, combo;
  Decode(pp, p);
  decaf_255_base_double_scalarmul_non_secret(combo, k1, pp, k2);
  return decaf_255_point_eq(combo, want) == DECAF_TRUE;
}

// The precomputed multiples of the election key, for the last key this thread used.
struct KeyTable {
  Point key;
  std::unique_ptr<decaf_255_precomputed_s, decltype(&std::free)> table{nullptr, &std::free};
};

const decaf_255_precomputed_s* TableFor(const Point& key) {
  thread_local KeyTable cached;
  if (!cached.table || !(cached.key == key)) {
    void* memory = std::aligned_alloc(decaf_255_alignof_precomputed_s,
                                      (decaf_255_sizeof_precomputed_s + decaf_255_alignof_precomputed_s - 1) /
                                          decaf_255_alignof_precomputed_s * decaf_255_alignof_precomputed_s);
    if (!memory) std::abort();
    cached.table.reset(static_cast<decaf_255_precomputed_s*>(memory));
    decaf_255_point_t k;
    Decode(k, key);
    decaf_255_precompute(cached.table.get(), k);
    cached.key = key;
  }
  return cached.table.get();
}

}  // namespace

bool BaseRelationHolds(const Scalar& z, const Point& a, const Scalar& c, const Point& x) {
  // z·G + (−c)·X == a
  decaf_255_point_t want;
  Decode(want, a);
  return BaseCombinationIs(z, x, -c, want);
}

bool PairRelationHolds(const Scalar& z, const Point& base, const Point& b, const Scalar& c, const Point& d) {
  // z·A + (−c)·D == b
  decaf_255_scalar_t kz, kc;
  Decode(kz, z);
  Decode(kc, -c);
  decaf_255_point_t pa, pd, pb, combo;
  Decode(pa, base);
  Decode(pd, d);
  Decode(pb, b);
  decaf_255_point_double_scalarmul(combo, pa, kz, pd, kc);
  return decaf_255_point_eq(combo, pb) == DECAF_TRUE;
}

bool RangeBranchHolds(const Scalar& v, const Scalar& c, uint64_t j, const Point& key, const Point& alpha,
                      const Point& beta, const Point& a, const Point& b) {
  if (!BaseRelationHolds(v, a, c, alpha)) return false;
  // v·K + (c·j)·G + (−c)·β == b
  decaf_255_scalar_t kv;
  Decode(kv, v);
  decaf_255_point_t vk, rest, pb;
  decaf_255_precomputed_scalarmul(vk, TableFor(key), kv);
  decaf_255_scalar_t kcj, kneg;
  Decode(kcj, c * Scalar::FromInt(j));
  Decode(kneg, -c);
  decaf_255_point_t pbeta;
  Decode(pbeta, beta);
  decaf_255_base_double_scalarmul_non_secret(rest, kcj, pbeta, kneg);
  decaf_255_point_add(rest, rest, vk);
  Decode(pb, b);
  return decaf_255_point_eq(rest, pb) == DECAF_TRUE;
}

struct PointSum::Impl {
  decaf_255_point_s sum;
};

PointSum::PointSum() : impl_(std::make_unique<Impl>()) { decaf_255_point_copy(&impl_->sum, decaf_255_point_identity); }
PointSum::~PointSum() = default;
PointSum::PointSum(PointSum&&) noexcept = default;
PointSum& PointSum::operator=(PointSum&&) noexcept = default;

void PointSum::Add(const Point& p) {
  decaf_255_point_t q;
  Decode(q, p);
  decaf_255_point_add(&impl_->sum, &impl_->sum, q);
}

Point PointSum::Total() const {
  uint8_t bytes[DECAF_255_SER_BYTES];
  decaf_255_point_encode(bytes, &impl_->sum);
  // libdecaf's encoding is ristretto255's: canonical, so it decodes (the identity too).
  auto p = DecodePoint(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), true);
  if (!p.ok()) std::abort();
  return *p;
}

}  // namespace riik::election
