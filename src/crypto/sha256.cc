// SHA-256 through OpenSSL's EVP interface.
#include "crypto/sha256.h"

#include <openssl/hmac.h>

#include <cstdlib>

#include "core/encoding.h"

namespace riik {

Digest Sha256(std::string_view data) {
  // One context per thread, reused: hashing millions of short rows (a state digest)
  // would otherwise spend more time making contexts than hashing.
  thread_local Sha256Hasher h;
  h.Update(data);
  return h.Finish();
}

std::string DigestBytes(const Digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), d.size()); }

std::string DigestHex(const Digest& d) { return HexEncode(DigestBytes(d)); }

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &length);
  return out;
}

namespace {

// SHA-256 fetched from the default provider once, not at every init.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  // Allocation or SHA-256 init failing means the process cannot do anything safely.
  if (!ctx_ || !Sha256Md() || EVP_DigestInit_ex(ctx_.get(), Sha256Md(), nullptr) != 1) std::abort();
}

void Sha256Hasher::Update(std::string_view data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }

Digest Sha256Hasher::Finish() {
  Digest d{};
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx_.get(), d.data(), &len);
  EVP_DigestInit_ex(ctx_.get(), Sha256Md(), nullptr);
  return d;
}

}  // namespace riik
