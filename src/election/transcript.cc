// SHA-512 transcripts reduced to ristretto255 scalars.
#include "election/transcript.h"

namespace riik::election {

Transcript::Transcript(std::string_view domain, std::string_view election) {
  crypto_hash_sha512_init(&state_);
  Field(domain);
  Field(election);
}

void Transcript::Field(std::string_view bytes) {
  uint8_t len[8];
  const uint64_t n = bytes.size();
  for (int i = 0; i < 8; ++i) len[7 - i] = static_cast<uint8_t>(n >> (8 * i));
  crypto_hash_sha512_update(&state_, len, sizeof len);
  crypto_hash_sha512_update(&state_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

Transcript& Transcript::Add(std::string_view label, std::string_view bytes) {
  Field(label);
  Field(bytes);
  return *this;
}

Transcript& Transcript::Add(std::string_view label, uint64_t n) {
  char be[8];
  for (int i = 0; i < 8; ++i) be[7 - i] = static_cast<char>(n >> (8 * i));
  return Add(label, std::string_view(be, sizeof be));
}

std::string ContextOf(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    const uint64_t n = part.size();
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
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
