// SHA-512 transcripts reduced to ristretto255 scalars.
#include "election/transcript.h"

#include "core/big_endian.h"

namespace riik::election {

Transcript::Transcript(std::string_view domain, std::string_view election) {
  crypto_hash_sha512_init(&state_);
  Field(domain);
  Field(election);
}

void Transcript::Field(std::string_view bytes) {
  const std::string len = BigEndian(bytes.size());
  crypto_hash_sha512_update(&state_, reinterpret_cast<const uint8_t*>(len.data()), len.size());
  crypto_hash_sha512_update(&state_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

Transcript& Transcript::Add(std::string_view label, std::string_view bytes) {
  Field(label);
  Field(bytes);
  return *this;
}

Transcript& Transcript::Add(std::string_view label, uint64_t n) { return Add(label, BigEndian(n)); }

std::string ContextOf(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    AppendBigEndian(out, part.size());
    out.append(part);
  }
  return out;
}

Scalar Transcript::Challenge() const {
  crypto_hash_sha512_state copy = state_;
  uint8_t digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_final(&copy, digest);
  return Scalar::FromWide(std::span<const uint8_t, 64>(digest, 64));
}

}  // namespace riik::election
