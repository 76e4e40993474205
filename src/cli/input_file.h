// Files a person hands a command that someone else made (another trustee's key, a
// container or evidence to check, a custodian's share): read only up to what their
// format allows, so a huge file or a device like /dev/zero is refused before it is held,
// with the file named in the error.
#pragma once

#include <cstdint>
#include <string>

#include "core/file.h"
#include "core/status.h"

namespace riik::cli {

inline Result<std::string> ReadInputFile(const std::string& path, uintmax_t max_bytes) {
  Result<std::string> text = ReadFileBounded(path, max_bytes);
  if (!text.ok()) return Status(text.status().code(), path + ": " + text.status().message());
  return text;
}

}  // namespace riik::cli
