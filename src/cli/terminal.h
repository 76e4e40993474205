// Secrets typed on the terminal (PINs, passphrases): never from the command line, where
// `ps` would show them.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::cli {

// Text that came from elsewhere (a record, a document, an error naming its contents) as
// it may go to a terminal: control characters — C0, DEL, C1 — and the Unicode controls
// that reorder text (bidi embeddings, overrides and isolates) shown as '?', so that no
// input can move the cursor, recolour the screen or make a line read in another order.
std::string ForTerminal(std::string_view text);

// Asks `what` on the terminal without echo; InvalidArgument naming `otherwise` (how else
// to give it) when stdin is not a terminal.
Result<std::string> AskSecret(const std::string& what, const std::string& otherwise);

// The secret in the environment variable `env` (e.g. RIIK_PIN2), else asked as `what`.
Result<std::string> SecretFromEnv(const char* env, const char* what);

}  // namespace riik::cli
