// The tour of `riik up`: one list of commands to try (src/cli/tour.sh, built into the
// binary), printed by its banner with the run's own ports and paths, by `riik up
// --print-tour` for given ones, and shown in README.md for the defaults — the same text,
// which e2e_help checks against the README.
#pragma once

#include <map>
#include <string>

namespace riik::cli {

// The tour with every {{NAME}} replaced: `dir` (the data directory), `riik` (the binary),
// and each role's base URL by its name (status, status-tls, trust, ss-tax, registry-bank, …).
// A name without a value stays as it is.
std::string RenderTour(const std::map<std::string, std::string>& values);

}  // namespace riik::cli
