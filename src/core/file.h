// Whole-file reads and crash-safe writes.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace riik {

// The whole file; NotFound if there is none.
Result<std::string> ReadFile(const std::string& path);

// A regular file, read up to `max` bytes and refused beyond them: NotFound if it is not
// there or not a regular file (a device or a pipe in its place), InvalidArgument if it is
// larger, so a file that grows while read cannot make the reader hold more. For files
// from others (a published record).
Result<std::string> ReadFileBounded(const std::string& path, uintmax_t max);

// Replaces `path` with `data` atomically through the real Env (core/env.h): a crash
// leaves either the old or the new content. `secret` files are 0600, others 0644.
Status WriteFileAtomic(const std::string& path, std::string_view data, bool secret);

// A secret (a key, a passphrase, a token): the whole file, refused with
// PermissionDenied naming the file and its mode if anyone but its owner may read or
// write it (mode & 077), so that a key left 0644 is noticed instead of used.
Result<std::string> ReadSecretFile(const std::string& path);
// The check alone, for secrets a library opens itself (TLS keys): OK, NotFound, or
// PermissionDenied as above.
Status CheckSecretFileMode(const std::string& path);

// Creates `path` and its missing parents, and makes `path` itself 0700 (only the owner
// may list or enter it): where stores, keys and tokens live.
Status MakePrivateDirectory(const std::string& path);

}  // namespace riik
