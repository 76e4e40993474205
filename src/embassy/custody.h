// Key custody: the state master key split among custodians (shamir.h), each share kept
// in a file sealed under the custodian's PIN (Argon2id, then XSalsa20-Poly1305). Each
// file also carries the split's id, the SHA-256 of every share and of the secret, so
// that restoring names a share that is wrong — from another split, altered, or opened
// with a wrong PIN — instead of silently giving a wrong key. Under each seal, beside the
// share, is the state root certificate: a restore from three shares knows which root
// the archive's signers must chain to without trusting anything in the archive.
// Format: docs/formats/custody.md.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/passphrase_key.h"

namespace riik::embassy {

inline constexpr const char* kShareFormat = "riik-key-share-v2";
inline constexpr const char* kShareFormatV1 = "riik-key-share-v1";  // no root; opened only with a root given
inline constexpr size_t kMinPinLength = 8;

// How costly a guess at a custodian's PIN is made (Argon2id's limits, recorded in the file):
// kModerate for every real split; kInteractive only where the PINs lie beside their
// shares anyway: `riik up`'s demo custody and the tests (crypto/passphrase_key.h).
using PinHardness = PassphraseCost;

inline constexpr size_t kMaxShareFileBytes = 64 * 1024;  // a share file, at most

// One share file per PIN (pins.size() shares), any `threshold` of which restore `secret`;
// `root_der` (the state root certificate) is sealed beside each share.
Result<std::vector<std::string>> SealShares(std::string_view secret, int threshold, std::span<const std::string> pins,
                                            std::string_view root_der, PinHardness hardness = PinHardness::kModerate);

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

struct RestoredCustody {
  std::string secret;
  std::string root_der;  // the state root sealed in the shares ("" for v1 files)
};
// As RestoreSecret, and the root: every share must carry the same one (DataLoss naming
// the file otherwise).
Result<RestoredCustody> RestoreCustody(std::span<const OpenedShare> shares);

}  // namespace riik::embassy
