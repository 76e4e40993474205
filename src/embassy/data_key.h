// Node data keys: each node seals its journal segments with a 32-byte data key of its
// own. The node keeps it (0600, beside its TLS key) and gives the embassies a copy
// wrapped to the state master key: an X25519 key pair whose secret half exists only as
// custodians' shares (custody.h) and whose public half every node has. So a node can
// wrap its key without ever holding the master secret, and restoring any node needs the
// custodians: nothing stored at the embassy opens a segment alone.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::embassy {

inline constexpr size_t kMasterKeyBytes = 32;  // the X25519 secret key, and its public key

// A fresh random data key (kDataKeyBytes).
std::string NewDataKey();
// A fresh master secret (what `riik embassy keys split` splits).
std::string NewMasterSecret();
// The public half of a master secret.
Result<std::string> MasterPublicKey(std::string_view master_secret);

// The data key sealed to the master public key (libsodium sealed box: X25519 +
// XSalsa20-Poly1305 under an ephemeral key), the node's name sealed with it:
// {"format":"riik-wrapped-key-v1","key_id","node","sealed"}.
Result<std::string> WrapDataKey(std::string_view data_key, std::string_view master_public, const std::string& node);
// The data key back with the master secret; PermissionDenied for another master key (or
// an altered file), InvalidArgument for a malformed one, DataLoss if it is another node's.
Result<std::string> UnwrapDataKey(std::string_view wrapped, std::string_view master_secret, const std::string& node);

}  // namespace riik::embassy
