// The data exchange's demo set-up for `riik up`: the central authority's signing
// certificate and trust anchor (DIR/central/), and the demo members, subsystems and
// services in its registry. Runs before the roles start, while no process owns the
// stores; idempotent.
#pragma once

#include <string>

#include "cli/ca_access.h"
#include "node/config.h"

namespace riik::cli {

// Issues DIR/central/signing.{pem,key} from the organisations CA if missing (the key
// encrypted under the CA passphrase), writes DIR/central/anchor.json, seeds the
// registry, and returns the central role's settings.
Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file);

}  // namespace riik::cli
