// Fiat–Shamir challenges: a proof's statement and commitments hashed, under a domain
// that names the proof's kind and the election, into the scalar the prover answers.
//
// The hash is SHA-512 over the domain and then each field as label and value, both
// length-prefixed (8 bytes, big-endian), in the order the proof appends them; the 64
// bytes are reduced mod L (docs/formats/election-record.md, "Challenges"). A verifier
// that appends the same fields in the same order gets the same challenge; any field
// changed, added, dropped or moved gives another.
#pragma once

#include <sodium.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "election/group.h"

namespace riik::election {

class Transcript {
 public:
  // `domain` names the proof ("riik-election-v1/range" …); `election` is the
  // manifest's hash, so that a proof made for one election means nothing in another.
  Transcript(std::string_view domain, std::string_view election);

  Transcript& Add(std::string_view label, std::string_view bytes);
  Transcript& Add(std::string_view label, const Point& p) { return Add(label, p.Bytes()); }
  Transcript& Add(std::string_view label, const Scalar& s) { return Add(label, s.Bytes()); }
  Transcript& Add(std::string_view label, uint64_t n);

  // The challenge; the transcript can go on (a later challenge covers this one's input).
  Scalar Challenge() const;

 private:
  void Field(std::string_view bytes);
  crypto_hash_sha512_state state_;
};

// A proof's context from its parts, each length-prefixed (8 bytes, big-endian), so that
// no two lists of parts give the same bytes: e.g. {"selection", voter, contest, option}.
std::string ContextOf(std::initializer_list<std::string_view> parts);

}  // namespace riik::election
