// Secrets typed on the terminal (PINs, passphrases): never from the command line, where
// `ps` would show them.
#pragma once

#include <string>

#include "core/status.h"

namespace riik::cli {

// Asks `what` on the terminal without echo; InvalidArgument naming `otherwise` (how else
// to give it) when stdin is not a terminal.
Result<std::string> AskSecret(const std::string& what, const std::string& otherwise);

// The secret in the environment variable `env` (e.g. RIIK_PIN2), else asked as `what`.
Result<std::string> SecretFromEnv(const char* env, const char* what);

}  // namespace riik::cli
