// ristretto255 through libsodium's constant-time arithmetic.
#include "election/group.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace riik::election {
namespace {

void EnsureSodium() {
  // Without libsodium there is no randomness and no group: nothing can run safely.
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

}  // namespace

Scalar Scalar::FromInt(uint64_t n) {
  Scalar s;
  for (int i = 0; i < 8; ++i) s.bytes_[i] = static_cast<uint8_t>(n >> (8 * i));
  return s;  // below 2^64 < L: canonical as it is
}

Scalar Scalar::FromWide(std::span<const uint8_t, 64> wide) {
  EnsureSodium();
  Scalar s;
  crypto_core_ristretto255_scalar_reduce(s.bytes_.data(), wide.data());
  return s;
}

Scalar Scalar::Random() {
  EnsureSodium();
  Scalar s;
  crypto_core_ristretto255_scalar_random(s.bytes_.data());
  return s;
}

Scalar Scalar::operator+(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_add(r.bytes_.data(), bytes_.data(), o.bytes_.data());
  return r;
}

Scalar Scalar::operator-(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_sub(r.bytes_.data(), bytes_.data(), o.bytes_.data());
  return r;
}

Scalar Scalar::operator*(const Scalar& o) const {
  Scalar r;
  crypto_core_ristretto255_scalar_mul(r.bytes_.data(), bytes_.data(), o.bytes_.data());
  return r;
}

Scalar Scalar::operator-() const {
  Scalar r;
  crypto_core_ristretto255_scalar_negate(r.bytes_.data(), bytes_.data());
  return r;
}

Result<Scalar> Scalar::Inverse() const {
  Scalar r;
  if (crypto_core_ristretto255_scalar_invert(r.bytes_.data(), bytes_.data()) != 0) {
    return InvalidArgument("zero has no inverse");
  }
  return r;
}

bool Scalar::IsZero() const { return sodium_is_zero(bytes_.data(), bytes_.size()) == 1; }

Point Point::Generator() {
  static const Point g = BaseTimes(Scalar::FromInt(1));
  return g;
}

Point Point::operator+(const Point& o) const {
  Point r;
  // Both are valid encodings (every Point is), so the sum always succeeds.
  if (crypto_core_ristretto255_add(r.bytes_.data(), bytes_.data(), o.bytes_.data()) != 0) std::abort();
  return r;
}

Point Point::operator-(const Point& o) const {
  Point r;
  if (crypto_core_ristretto255_sub(r.bytes_.data(), bytes_.data(), o.bytes_.data()) != 0) std::abort();
  return r;
}

bool Point::IsIdentity() const { return sodium_is_zero(bytes_.data(), bytes_.size()) == 1; }

Point operator*(const Scalar& k, const Point& p) {
  EnsureSodium();
  Point r;
  // libsodium refuses a product that is the identity (k = 0, or P the identity), and
  // leaves r unspecified then: that product is the identity, all zero bytes.
  if (crypto_scalarmult_ristretto255(r.bytes_.data(), k.data(), p.data()) != 0) r = Point::Identity();
  return r;
}

Point BaseTimes(const Scalar& k) {
  EnsureSodium();
  Point r;
  if (crypto_scalarmult_ristretto255_base(r.bytes_.data(), k.data()) != 0) r = Point::Identity();
  return r;
}

Point BaseTimes(uint64_t m) {
  // Small multiples come up in every range proof's check (β − j·G): kept, not recomputed.
  static const std::array<Point, 66> kSmall = [] {
    std::array<Point, 66> table{};
    for (size_t j = 1; j < table.size(); ++j) table[j] = table[j - 1] + BaseTimes(Scalar::FromInt(1));
    return table;
  }();
  return m < kSmall.size() ? kSmall[m] : BaseTimes(Scalar::FromInt(m));
}

Result<Scalar> DecodeScalar(std::string_view bytes) {
  if (bytes.size() != kElementBytes) {
    return InvalidArgument("a scalar is 32 bytes, not " + std::to_string(bytes.size()));
  }
  Scalar s;
  std::memcpy(s.bytes_.data(), bytes.data(), kElementBytes);
  // Canonical: below L. Reducing a 64-byte widening leaves a canonical value unchanged.
  uint8_t wide[64] = {};
  std::memcpy(wide, bytes.data(), kElementBytes);
  Scalar reduced = Scalar::FromWide(std::span<const uint8_t, 64>(wide, 64));
  if (!(reduced == s)) return InvalidArgument("a scalar is not below the group order (not canonical)");
  return s;
}

Result<Point> DecodePoint(std::string_view bytes, bool allow_identity) {
  EnsureSodium();
  if (bytes.size() != kElementBytes) {
    return InvalidArgument("a group element is 32 bytes, not " + std::to_string(bytes.size()));
  }
  Point p;
  std::memcpy(p.bytes_.data(), bytes.data(), kElementBytes);
  // A canonical encoding is below p < 2^255, so its top bit is clear. libsodium 1.0.18
  // (Debian 12's) does not check that bit and would take a second encoding of the same
  // element, one that libdecaf (the batch checks) refuses: found by fuzz_ballot.
  if ((p.bytes_[kElementBytes - 1] & 0x80) != 0 || crypto_core_ristretto255_is_valid_point(p.bytes_.data()) != 1) {
    return InvalidArgument("not a canonical ristretto255 group element");
  }
  if (!allow_identity && p.IsIdentity()) return InvalidArgument("a group element is the identity");
  return p;
}

}  // namespace riik::election
