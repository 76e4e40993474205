// Random bytes from OpenSSL's CSPRNG, unguessable tokens made of them, and comparing a
// token someone sent with the one kept without telling them, by the time it takes, how
// much of it was right.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

// `n` random bytes; Internal if the generator fails (it never should once seeded).
Result<std::string> RandomBytes(size_t n);
// `n` random bytes as base64url without padding: session ids, codes, nonces.
Result<std::string> RandomToken(size_t n);
// Whether `sent` equals `kept`, in time that depends on their lengths alone.
bool SameToken(std::string_view sent, std::string_view kept);

}  // namespace riik
