#include "cli/failure.h"

#include <cstdio>

namespace riik::cli {

int Fail(std::string_view group, std::string_view command, const Status& st) {
  std::fprintf(stderr, "riik %.*s %.*s: %s\n", static_cast<int>(group.size()), group.data(),
               static_cast<int>(command.size()), command.data(), st.message().c_str());
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace riik::cli
