// Node data keys: each node seals its journal segments with a 32-byte data key of its
// own, kept only wrapped by the state master key (held in custody, custody.h), so that
// restoring any node needs the custodians and nothing stored at the embassy or on the
// node's disk opens a segment alone.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::embassy {

inline constexpr size_t kMasterKeyBytes = 32;

// A fresh random data key (kDataKeyBytes).
std::string NewDataKey();
// The data key sealed under the master key (XSalsa20-Poly1305, a random nonce), bound to
// the node's name: {"format":"riik-wrapped-key-v1","key_id","node","nonce","sealed"}.
Result<std::string> WrapDataKey(std::string_view data_key, std::string_view master_key, const std::string& node);
// The data key back; PermissionDenied for another master key (or an altered file),
// InvalidArgument for a malformed one, DataLoss if it is another node's.
Result<std::string> UnwrapDataKey(std::string_view wrapped, std::string_view master_key, const std::string& node);

}  // namespace riik::embassy
