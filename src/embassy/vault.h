// The vault: the files a node needs to serve besides its stores (certificates, keys,
// configuration), kept as rows of a journaled store of their own ("vault"), so that they
// travel to the data embassy like any journal: encrypted, signed, chained. A failover
// restores the vault with the stores and writes the files back; without it a restored
// state would have its data but not the keys to serve it.
//
// Table files: path (relative to the root, '/'-separated), mode (permission bits),
// sha256 (hex), content (blob). Files are small: at most kMaxVaultFileBytes each, and
// store databases are never taken.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace riik::embassy {

inline constexpr size_t kMaxVaultFileBytes = 1 << 20;

struct VaultSync {
  int64_t files = 0;    // in the vault after the sync
  int64_t changed = 0;  // put or deleted by it
};

// Brings the vault's table in line with the files under `root` named by `include`
// (relative paths of files or directories, walked recursively): new or changed files
// put, vanished ones deleted, all in one transaction (none when nothing changed).
Result<VaultSync> SyncVault(store::Store& vault, const std::string& root, const std::vector<std::string>& include);

// Writes every file of the vault under `root` with its mode (restoring a state); a
// path that would leave `root` is refused.
Result<int64_t> WriteVaultFiles(store::Store& vault, const std::string& root);

}  // namespace riik::embassy
