// Whole-file reads and crash-safe writes.
#include "core/file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/env.h"

namespace riik {

Result<std::string> ReadFile(const std::string& path) { return Env::Default().ReadFile(path); }

Result<std::string> ReadSecretFile(const std::string& path) {
  RETURN_IF_ERROR(CheckSecretFileMode(path));
  return ReadFile(path);
}

Status CheckSecretFileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFound("cannot read " + path + ": " + std::strerror(errno));
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return PermissionDenied("the secret file " + path + " is open to others (mode " + mode +
                            "); only its owner may read it: chmod 600 " + path);
  }
  return OkStatus();
}

Status MakePrivateDirectory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Unavailable("cannot create " + path + ": " + ec.message());
  if (::chmod(path.c_str(), 0700) != 0) {
    return Unavailable("cannot make " + path + " private (0700): " + std::strerror(errno));
  }
  return OkStatus();
}

Result<std::string> ReadFileBounded(const std::string& path, uintmax_t max) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("not there, or not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot be read");
  std::string text;
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > max) return InvalidArgument("larger than " + std::to_string(max) + " bytes");
  }
  return text;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, bool secret) {
  return WriteFileAtomic(Env::Default(), path, data, secret);
}

}  // namespace riik
