// A small DER writer for structures that are built by hand on hot paths (the TSA's
// responses): tag-length-value elements appended to one string, constructed elements
// filled by a callback and their length written when it returns (short or long form,
// always minimal). Only encodes; parsing untrusted bytes stays with OpenSSL's d2i.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace riik::der {

// Universal tags used by the writer.
inline constexpr uint8_t kBoolean = 0x01, kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kNull = 0x05,
                         kOid = 0x06, kUtf8String = 0x0c, kUtcTime = 0x17, kGeneralizedTime = 0x18, kSequence = 0x30,
                         kSet = 0x31;

// The identifier octet of a context-specific tag [n] (n < 31), constructed or not.
constexpr uint8_t ContextTag(int n, bool constructed = true) {
  return static_cast<uint8_t>(0x80 | (constructed ? 0x20 : 0) | (n & 0x1f));
}

// The length octets of `length` (X.690 8.1.3, definite form, minimal).
std::string EncodeLength(size_t length);

class Writer {
 public:
  Writer() = default;
  explicit Writer(size_t reserve) { out_.reserve(reserve); }

  // A constructed element with tag `tag` whose contents are what `body(*this)` appends.
  template <typename Body>
  Writer& Constructed(uint8_t tag, Body&& body) {
    out_.push_back(static_cast<char>(tag));
    size_t start = out_.size();
    body(*this);
    out_.insert(start, EncodeLength(out_.size() - start));
    return *this;
  }
  template <typename Body>
  Writer& Sequence(Body&& body) {
    return Constructed(kSequence, body);
  }
  template <typename Body>
  Writer& Set(Body&& body) {
    return Constructed(kSet, body);
  }
  // [n] EXPLICIT, or [n] IMPLICIT of a constructed type (SEQUENCE, SET OF).
  template <typename Body>
  Writer& Context(int n, Body&& body) {
    return Constructed(ContextTag(n), body);
  }

  // Any element whose contents are already encoded.
  Writer& Element(uint8_t tag, std::string_view contents);
  // An INTEGER from a signed value.
  Writer& Integer(int64_t value);
  // A non-negative INTEGER from its unsigned big-endian magnitude (leading zeros
  // dropped, a zero octet added where the top bit is set).
  Writer& UnsignedInteger(std::string_view magnitude);
  Writer& OctetString(std::string_view bytes) { return Element(kOctetString, bytes); }
  Writer& Utf8String(std::string_view text) { return Element(kUtf8String, text); }
  Writer& Null() { return Element(kNull, {}); }
  // An OBJECT IDENTIFIER from its encoded contents (the arcs, without tag and length).
  Writer& Oid(std::string_view encoded_arcs) { return Element(kOid, encoded_arcs); }
  // A BIT STRING with the named bits set (bit 0 is the first bit), trailing zero bits
  // removed as DER wants for named-bit lists.
  Writer& NamedBits(std::initializer_list<unsigned> bits);
  // GeneralizedTime "YYYYMMDDHHMMSS[.fff]Z" in UTC: milliseconds, trailing zeros and a
  // bare point dropped (X.690 11.7). Years 0000–9999.
  Writer& GeneralizedTime(UnixMicros t);
  // UTCTime "YYMMDDHHMMSSZ"; RFC 5280 restricts it to the years 1950–2049.
  Writer& UtcTime(UnixMicros t);
  // Complete elements encoded elsewhere (precomputed blocks, OpenSSL's i2d output).
  Writer& Raw(std::string_view der) {
    out_.append(der);
    return *this;
  }

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// The encoded arcs of a dotted OID such as "2.999.1.3.1", or empty if it is malformed.
std::string OidArcs(std::string_view dotted);

}  // namespace riik::der
