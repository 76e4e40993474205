// The group every election proof lives in: ristretto255 (libsodium), a prime-order group
// of order L = 2^252 + 27742317777372353535851937790883648493, and its scalars mod L.
//
// A Point is always a valid group element: one decoded from bytes has passed the
// canonical-encoding check, and `DecodePoint` refuses the identity unless asked for it
// (a ballot's or a key's element is never the identity; Helios once skipped this
// check). Points and scalars are values of 32 bytes; the arithmetic is constant-time
// (libsodium's). Thread-safe: libsodium is initialised once, on first use.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::election {

inline constexpr size_t kElementBytes = 32;

// An integer mod L, in its canonical 32-byte little-endian encoding.
class Scalar {
 public:
  Scalar() = default;  // zero
  static Scalar FromInt(uint64_t n);
  // 64 uniformly random bytes reduced mod L: what a hash becomes.
  static Scalar FromWide(std::span<const uint8_t, 64> wide);
  static Scalar Random();  // from libsodium's CSPRNG

  Scalar operator+(const Scalar& o) const;
  Scalar operator-(const Scalar& o) const;
  Scalar operator*(const Scalar& o) const;
  Scalar operator-() const;
  // The inverse; InvalidArgument for zero.
  Result<Scalar> Inverse() const;
  bool IsZero() const;
  bool operator==(const Scalar& o) const { return bytes_ == o.bytes_; }

  std::string_view Bytes() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  friend Result<Scalar> DecodeScalar(std::string_view);
  std::array<uint8_t, kElementBytes> bytes_{};
};

// A group element in its canonical ristretto255 encoding.
class Point {
 public:
  Point() = default;  // the identity
  static Point Generator();
  static Point Identity() { return {}; }

  Point operator+(const Point& o) const;
  Point operator-(const Point& o) const;
  bool IsIdentity() const;
  bool operator==(const Point& o) const { return bytes_ == o.bytes_; }

  std::string_view Bytes() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  friend Result<Point> DecodePoint(std::string_view, bool);
  friend Point operator*(const Scalar& k, const Point& p);
  friend Point BaseTimes(const Scalar& k);
  std::array<uint8_t, kElementBytes> bytes_{};
};

// k·P and k·G.
Point operator*(const Scalar& k, const Point& p);
Point BaseTimes(const Scalar& k);
// m·G for a small non-negative integer (a vote count, an option's value).
Point BaseTimes(uint64_t m);

// 32 bytes that are a canonical scalar (< L); InvalidArgument saying what is wrong.
Result<Scalar> DecodeScalar(std::string_view bytes);
// 32 bytes that are a canonical ristretto255 encoding; the identity only with
// `allow_identity`. InvalidArgument saying what is wrong.
Result<Point> DecodePoint(std::string_view bytes, bool allow_identity = false);

}  // namespace riik::election
