// Secrets typed on the terminal (PINs, passphrases): never from the command line, where
// `ps` would show them.
#pragma once

#include <string>

#include "core/status.h"

namespace riik::cli {

// Asks `what` on the terminal without echo; InvalidArgument naming `otherwise` (how else
// to give it) when stdin is not a terminal.
Result<std::string> AskSecret(const std::string& what, const std::string& otherwise);

}  // namespace riik::cli
