// Key custody: the state master key split among custodians (shamir.h), each share kept
// in a file sealed under the custodian's PIN (Argon2id, then XSalsa20-Poly1305). Each
// file also carries the split's id, the SHA-256 of every share and of the secret, so
// that restoring names a share that is wrong — from another split, altered, or opened
// with a wrong PIN — instead of silently giving a wrong key. Format: docs/formats/custody.md.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::embassy {

inline constexpr const char* kShareFormat = "riik-key-share-v1";
inline constexpr size_t kMinPinLength = 6;

// One share file per PIN (pins.size() shares), any `threshold` of which restore `secret`.
Result<std::vector<std::string>> SealShares(std::string_view secret, int threshold, std::span<const std::string> pins);

struct OpenedShare {
  std::string file;  // the share file's text
  std::string pin;
  std::string name;  // for messages, e.g. the file's path
};

// Restores the secret from at least `threshold` share files (as the files say).
// InvalidArgument: fewer than the threshold, a malformed file, two copies of one share;
// PermissionDenied: a wrong PIN; DataLoss: a share that does not belong (another split, or
// altered) — each naming the file.
Result<std::string> RestoreSecret(std::span<const OpenedShare> shares);

}  // namespace riik::embassy
