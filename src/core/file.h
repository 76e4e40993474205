// Whole-file reads and crash-safe writes.
#pragma once

#include <string>

#include "core/status.h"

namespace riik {

// The whole file; NotFound if it cannot be opened.
Result<std::string> ReadFile(const std::string& path);

// Replaces `path` with `data` atomically: written to a temporary file beside it,
// fsynced, renamed over it, and the directory fsynced, so a crash leaves either the
// old or the new content. `secret` files are created 0600, others 0644.
Status WriteFileAtomic(const std::string& path, std::string_view data, bool secret);

}  // namespace riik
