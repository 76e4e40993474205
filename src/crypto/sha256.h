// SHA-256, one-shot and incremental; HMAC-SHA-256.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "crypto/handles.h"

namespace riik {

inline constexpr size_t kSha256Size = 32;
using Digest = std::array<unsigned char, kSha256Size>;

Digest Sha256(std::string_view data);
std::string DigestBytes(const Digest& d);  // the 32 bytes as a string
std::string DigestHex(const Digest& d);
// HMAC-SHA-256 (RFC 2104) of `data` under `key`.
Digest HmacSha256(std::string_view key, std::string_view data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  void Update(std::string_view data);
  Digest Finish();

 private:
  UniquePtr<EVP_MD_CTX> ctx_;
};

}  // namespace riik
