// Argon2id through libsodium.
#include "crypto/passphrase_key.h"

#include <sodium.h>

namespace riik {

Argon2Limits LimitsOf(PassphraseCost cost) {
  if (cost == PassphraseCost::kModerate) return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

bool WithinArgon2Bounds(Argon2Limits limits) {
  return limits.ops >= crypto_pwhash_OPSLIMIT_INTERACTIVE && limits.ops <= crypto_pwhash_OPSLIMIT_SENSITIVE &&
         limits.mem >= crypto_pwhash_MEMLIMIT_INTERACTIVE && limits.mem <= crypto_pwhash_MEMLIMIT_SENSITIVE;
}

size_t Argon2SaltBytes() { return crypto_pwhash_SALTBYTES; }

Result<std::string> DeriveKeyFromPassphrase(std::string_view passphrase, std::string_view salt, Argon2Limits limits,
                                            size_t key_bytes) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (salt.size() != crypto_pwhash_SALTBYTES) {
    return InvalidArgument("an Argon2id salt is " + std::to_string(crypto_pwhash_SALTBYTES) + " bytes");
  }
  if (!WithinArgon2Bounds(limits)) return InvalidArgument("Argon2id limits outside interactive..sensitive");
  std::string key(key_bytes, '\0');
  if (crypto_pwhash(reinterpret_cast<unsigned char*>(key.data()), key.size(), passphrase.data(), passphrase.size(),
                    reinterpret_cast<const unsigned char*>(salt.data()), limits.ops, limits.mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("not enough memory to derive a key from the passphrase (Argon2id)");
  }
  return key;
}

}  // namespace riik
