// How a subcommand reports that it failed.
#pragma once

#include <string_view>

#include "core/status.h"

namespace riik::cli {

// Prints "riik GROUP COMMAND: what went wrong" on stderr and returns the exit code: 2 for
// bad arguments (InvalidArgument), 1 for anything else.
int Fail(std::string_view group, std::string_view command, const Status& st);

}  // namespace riik::cli
