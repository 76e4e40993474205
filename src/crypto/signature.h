// ECDSA (or any EVP key's) signatures over SHA-256, DER-encoded as OpenSSL makes them:
// the signing and verifying every signed artefact of riik shares (tree heads, journal
// segments).
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

// The DER signature of `data` (hashed with SHA-256) by `key`. Internal on an OpenSSL failure.
Result<std::string> SignSha256(EVP_PKEY* key, std::string_view data);
// Whether `signature` is `key`'s over `data`; an error only if OpenSSL itself fails.
Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view signature);

}  // namespace riik
