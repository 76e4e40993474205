// What trustees hand each other, and keep, during the key ceremony — as files, so that
// each trustee runs its part on its own machine and no machine ever holds another's
// secrets (docs/formats/election-record.md, "Key ceremony files"):
//
//  - a transport key: an X25519 key pair per trustee; the public half is published, the
//    secret half kept sealed under the trustee's passphrase;
//  - a share box: f_i(j), trustee i's share for trustee j, sealed to j's transport key
//    (libsodium's sealed box), naming the election, i and j inside;
//  - a key share: trustee j's x_j = Σ_i f_i(j), sealed under j's passphrase.
//
// Passphrase seals: Argon2id (libsodium's moderate limits, or interactive for tests and
// demos, recorded in the file) then XChaCha20-Poly1305 with the file's kind, the
// election and the trustee as associated data: a file opened as another kind, for
// another election or trustee does not open.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/passphrase_key.h"
#include "election/group.h"

namespace riik::election {

inline constexpr size_t kMinPassphraseBytes = 8;

// Argon2id's limits for what a trustee seals (crypto/passphrase_key.h).
using SealCost = PassphraseCost;

struct TransportKey {
  uint32_t trustee = 0;
  std::string public_key;  // 32 bytes, X25519
  std::string secret_key;  // 32 bytes; empty in a published key
};

// A new transport key pair for `trustee`.
TransportKey NewTransportKey(uint32_t trustee);
// The published half: {"format":"riik-trustee-key-v1","public":b64,"trustee":i}.
std::string PublicTransportKeyJson(const TransportKey& key);
Result<TransportKey> ParsePublicTransportKey(std::string_view json);
// The secret half under a passphrase, and back (PermissionDenied: a wrong passphrase).
Result<std::string> SealTransportKey(const TransportKey& key, std::string_view election, std::string_view passphrase,
                                     SealCost cost = SealCost::kModerate);
Result<TransportKey> OpenTransportKey(std::string_view file, std::string_view election, std::string_view passphrase);

// f_i(j) for trustee j: authenticated encryption from i's transport key pair to j's
// public key (libsodium's crypto_box), so that only j opens it and j knows i made it.
Result<std::string> SealShareBox(std::string_view election, const TransportKey& from, const TransportKey& to,
                                 const Scalar& share);
// Opens a box with i's public key and j's key pair: the share, checked to be for this
// election, from i and to j. PermissionDenied if the box was not made by i for j;
// DataLoss if what it holds names another election or pair.
Result<Scalar> OpenShareBox(std::string_view box, std::string_view election, const TransportKey& from,
                            const TransportKey& to);
// A short fingerprint of a set of published transport keys (hex SHA-256 over them in
// order), for the trustees to compare out of band before they trust the files.
std::string TransportKeysFingerprint(std::span<const TransportKey> keys);

// Trustee j's key share under its passphrase, and back.
Result<std::string> SealKeyShare(std::string_view election, uint32_t trustee, const Scalar& share,
                                 std::string_view passphrase, SealCost cost = SealCost::kModerate);
Result<Scalar> OpenKeyShare(std::string_view file, std::string_view election, uint32_t trustee,
                            std::string_view passphrase);

}  // namespace riik::election
