// How the embassy's payloads are sealed on a node before they leave it: compressed
// (zstd), then encrypted with the node's data key (XChaCha20-Poly1305, IETF), with
// associated data binding the ciphertext to what it claims to be (a segment's header, a
// snapshot chunk's node, seq and index). Journal segments (segment.h) and store
// snapshots (snapshot.h) are both sealed this way.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::embassy {

inline constexpr size_t kSealNonceBytes = 24;

// A fresh random nonce for one sealing.
std::string NewSealNonce();

// zstd, then XChaCha20-Poly1305 under `key` (32 bytes) and `nonce` (24) over `aad`.
Result<std::string> CompressAndSeal(std::string_view plain, std::string_view key, std::string_view nonce,
                                    std::string_view aad);

// The reverse: DataLoss naming `what` if it does not decrypt (altered, or another key)
// or does not decompress to at most `max_plain` bytes.
Result<std::string> OpenAndDecompress(std::string_view ciphertext, std::string_view key, std::string_view nonce,
                                      std::string_view aad, size_t max_plain, std::string_view what);

}  // namespace riik::embassy
