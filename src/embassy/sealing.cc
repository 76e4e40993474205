// zstd + XChaCha20-Poly1305.
#include "embassy/sealing.h"

#include <sodium.h>
#include <zstd.h>

#include <cstdlib>

#include "crypto/bytes.h"

namespace riik::embassy {
namespace {

constexpr int kZstdLevel = 3;

}  // namespace

std::string NewSealNonce() {
  std::string nonce(kSealNonceBytes, '\0');
  if (sodium_init() < 0) std::abort();  // no randomness: nothing can be sealed safely
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

Result<std::string> CompressAndSeal(std::string_view plain, std::string_view key, std::string_view nonce,
                                    std::string_view aad) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) return InvalidArgument("a data key is 32 bytes");
  if (nonce.size() != kSealNonceBytes) return InvalidArgument("a nonce is 24 bytes");
  std::string compressed(ZSTD_compressBound(plain.size()), '\0');
  size_t n = ZSTD_compress(compressed.data(), compressed.size(), plain.data(), plain.size(), kZstdLevel);
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  std::string sealed(n + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long sealed_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(sealed.data()), &sealed_len,
                                             Uchars(compressed), n, Uchars(aad), aad.size(), nullptr, Uchars(nonce),
                                             Uchars(key));
  sealed.resize(sealed_len);
  return sealed;
}

Result<std::string> OpenAndDecompress(std::string_view ciphertext, std::string_view key, std::string_view nonce,
                                      std::string_view aad, size_t max_plain, std::string_view what) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) return InvalidArgument("a data key is 32 bytes");
  if (nonce.size() != kSealNonceBytes || ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return DataLoss(std::string(what) + " is malformed");
  }
  std::string compressed(ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(compressed.data()), &len, nullptr,
                                                 Uchars(ciphertext), ciphertext.size(), Uchars(aad), aad.size(),
                                                 Uchars(nonce), Uchars(key)) != 0) {
    return DataLoss(std::string(what) + " does not decrypt: it was altered");
  }
  compressed.resize(len);
  unsigned long long plain_size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (plain_size == ZSTD_CONTENTSIZE_ERROR || plain_size == ZSTD_CONTENTSIZE_UNKNOWN || plain_size > max_plain) {
    return DataLoss(std::string(what) + ": its compressed content is malformed or too large");
  }
  std::string plain(plain_size, '\0');
  size_t n = ZSTD_decompress(plain.data(), plain.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != plain_size) return DataLoss(std::string(what) + " does not decompress");
  return plain;
}

}  // namespace riik::embassy
