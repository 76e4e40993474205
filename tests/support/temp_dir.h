// A temporary directory removed (recursively) when the owner goes away.
#pragma once

#include <filesystem>
#include <string>

namespace riik::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "riik-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace riik::testing
