// Keys derived from a passphrase or a PIN with Argon2id (libsodium's crypto_pwhash):
// the cost a sealing pays, and the bounds within which a sealed file's own figures are
// believed. Shared by the trustees' sealed files (election/trustee_files) and the
// custodians' sealed shares (embassy/custody).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

// kModerate: libsodium's moderate limits (256 MiB, 3 passes: about a second and 256 MiB
// for every offline guess), for whatever is really kept. kInteractive (64 MiB, 2 passes,
// a tenth of that): only where the passphrases lie beside what they seal anyway, as in
// `riik up`'s demo and the tests.
enum class PassphraseCost { kModerate, kInteractive };

struct Argon2Limits {
  uint64_t ops = 0;
  size_t mem = 0;
};

Argon2Limits LimitsOf(PassphraseCost cost);

// Whether figures read from a file are within interactive..sensitive: a file cannot
// make its reader spend more than a sensitive derivation, and a lowered figure only
// derives a wrong key.
bool WithinArgon2Bounds(Argon2Limits limits);

// Salt bytes a derivation takes (libsodium's crypto_pwhash_SALTBYTES).
size_t Argon2SaltBytes();

// A `key_bytes` key from `passphrase` and `salt` (Argon2SaltBytes() long).
// ResourceExhausted when there is not memory enough for the limits.
Result<std::string> DeriveKeyFromPassphrase(std::string_view passphrase, std::string_view salt, Argon2Limits limits,
                                            size_t key_bytes);

}  // namespace riik
