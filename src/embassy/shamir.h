// Shamir's secret sharing over GF(2^8), byte by byte (the field of AES, x^8+x^4+x^3+x+1):
// a secret split into `shares` shares, any `threshold` of which give it back and fewer
// give nothing about it. The state master key is split this way among custodians
// (`riik embassy keys split --shares 5 --threshold 3`); custody.h keeps each share in a
// PIN-protected file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::embassy {

struct Share {
  uint8_t index = 0;  // the x coordinate, 1..255, distinct within a split
  std::string bytes;  // as long as the secret
};

// Splits `secret` (1 to 1024 bytes) into `shares` (2..255) shares with `threshold`
// (2..shares). Coefficients come from the system's CSPRNG.
Result<std::vector<Share>> SplitSecret(std::string_view secret, int shares, int threshold);

// The secret from at least `threshold` shares of one split (more are allowed; the first
// `threshold` are used). InvalidArgument for too few shares, a repeated or zero index, or
// shares of different lengths. A wrong share gives a wrong secret: custody.h detects it.
Result<std::string> CombineShares(std::span<const Share> shares, int threshold);

}  // namespace riik::embassy
