// Runs a shell command (standard tools such as openssl, in interop tests) and returns
// what it printed, stdout and stderr together.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace riik::testing {

inline std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 512> buf;
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (p) pclose(p);
  return out;
}

}  // namespace riik::testing
