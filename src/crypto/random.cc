// Random bytes (random.h).
#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/encoding.h"
#include "crypto/handles.h"

namespace riik {

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Internal("no randomness: " + OpenSslErrors());
  }
  return out;
}

Result<std::string> RandomToken(size_t n) {
  ASSIGN_OR_RETURN(std::string bytes, RandomBytes(n));
  return Base64UrlEncode(bytes);
}

bool SameToken(std::string_view sent, std::string_view kept) {
  return sent.size() == kept.size() && CRYPTO_memcmp(sent.data(), kept.data(), kept.size()) == 0;
}

}  // namespace riik
