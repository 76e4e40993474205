// Random bytes from OpenSSL's CSPRNG, and unguessable tokens made of them.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace riik {

// `n` random bytes; Internal if the generator fails (it never should once seeded).
Result<std::string> RandomBytes(size_t n);
// `n` random bytes as base64url without padding: session ids, codes, nonces.
Result<std::string> RandomToken(size_t n);

}  // namespace riik
