// GF(2^8) arithmetic, polynomial evaluation and Lagrange interpolation at 0.
#include "embassy/shamir.h"

#include <sodium.h>

#include <array>
#include <set>

namespace riik::embassy {
namespace {

struct Field {
  std::array<uint8_t, 512> exp{};
  std::array<uint8_t, 256> log{};
  Field() {
    uint8_t x = 1;
    for (int i = 0; i < 255; ++i) {
      exp[i] = x;
      log[x] = static_cast<uint8_t>(i);
      // multiply by the generator 3: x*2 (reduced by 0x11b) xor x
      uint8_t doubled = static_cast<uint8_t>((x << 1) ^ ((x & 0x80) ? 0x1b : 0));
      x = static_cast<uint8_t>(doubled ^ x);
    }
    for (int i = 255; i < 512; ++i) exp[i] = exp[i - 255];
  }
  uint8_t Mul(uint8_t a, uint8_t b) const { return a == 0 || b == 0 ? 0 : exp[log[a] + log[b]]; }
  uint8_t Div(uint8_t a, uint8_t b) const { return a == 0 ? 0 : exp[log[a] + 255 - log[b]]; }  // b != 0
};

const Field& F() {
  static const Field field;
  return field;
}

}  // namespace

Result<std::vector<Share>> SplitSecret(std::string_view secret, int shares, int threshold) {
  if (secret.empty() || secret.size() > 1024) return InvalidArgument("a secret to split is 1 to 1024 bytes");
  if (shares < 2 || shares > 255) return InvalidArgument("the number of shares is 2 to 255");
  if (threshold < 2 || threshold > shares) {
    return InvalidArgument("the threshold is 2 to the number of shares (" + std::to_string(shares) + ")");
  }
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  std::vector<Share> out(static_cast<size_t>(shares));
  for (int i = 0; i < shares; ++i) {
    out[i].index = static_cast<uint8_t>(i + 1);
    out[i].bytes.resize(secret.size());
  }
  std::vector<uint8_t> coefficients(static_cast<size_t>(threshold));
  for (size_t b = 0; b < secret.size(); ++b) {
    coefficients[0] = static_cast<uint8_t>(secret[b]);
    randombytes_buf(coefficients.data() + 1, coefficients.size() - 1);
    for (Share& share : out) {  // Horner's rule at x = index
      uint8_t y = 0;
      for (size_t c = coefficients.size(); c-- > 0;) y = F().Mul(y, share.index) ^ coefficients[c];
      share.bytes[b] = static_cast<char>(y);
    }
  }
  sodium_memzero(coefficients.data(), coefficients.size());
  return out;
}

Result<std::string> CombineShares(std::span<const Share> shares, int threshold) {
  if (threshold < 2) return InvalidArgument("the threshold is at least 2");
  if (static_cast<int>(shares.size()) < threshold) {
    return InvalidArgument("restoring needs " + std::to_string(threshold) + " shares; " +
                           std::to_string(shares.size()) + " given");
  }
  std::span<const Share> used = shares.first(static_cast<size_t>(threshold));
  std::set<uint8_t> seen;
  for (const Share& s : used) {
    if (s.index == 0 || !seen.insert(s.index).second)
      return InvalidArgument("share " + std::to_string(s.index) + " is given twice or is not a share");
    if (s.bytes.size() != used[0].bytes.size() || s.bytes.empty())
      return InvalidArgument("the shares are of different splits (lengths differ)");
  }
  std::string secret(used[0].bytes.size(), '\0');
  for (size_t i = 0; i < used.size(); ++i) {
    // The Lagrange basis polynomial of share i at x = 0: prod over j != i of x_j / (x_j - x_i);
    // in GF(2^8) subtraction is xor.
    uint8_t basis = 1;
    for (size_t j = 0; j < used.size(); ++j) {
      if (j == i) continue;
      basis = F().Mul(basis, F().Div(used[j].index, static_cast<uint8_t>(used[j].index ^ used[i].index)));
    }
    for (size_t b = 0; b < secret.size(); ++b) {
      secret[b] =
          static_cast<char>(static_cast<uint8_t>(secret[b]) ^ F().Mul(basis, static_cast<uint8_t>(used[i].bytes[b])));
    }
  }
  return secret;
}

}  // namespace riik::embassy
