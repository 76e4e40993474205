#include "cli/failure.h"

#include <cstdio>
#include <string>

#include "cli/terminal.h"

namespace riik::cli {

int Fail(std::string_view group, std::string_view command, const Status& st) {
  std::string who = "riik " + std::string(group) + (command.empty() ? "" : " " + std::string(command));
  // Messages name what was wrong, often with the bytes that were: shown safely.
  std::fprintf(stderr, "%s: %s\n", who.c_str(), ForTerminal(st.message()).c_str());
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace riik::cli
