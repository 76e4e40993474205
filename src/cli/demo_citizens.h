// The demo citizens `riik up` enrolls on first start: software eIDs under
// DIR/citizens/<code>, with the PINs of Estonia's public test cards.
#pragma once

#include <string>

#include "cli/ca_access.h"
#include "core/json.h"

namespace riik::cli {

// Enrolls the demo citizens that have no token yet (through `ca`), and returns every
// demo citizen as endpoints.json lists them: code, name, token, PINs, serials.
Result<Json> EnsureDemoCitizens(CaAccess& ca, const std::string& dir);

// The demo election's polling-station official (Jaak-Kristjan Jõeorg, the first demo
// citizen): enrolled now if he has no token yet, by the CA under `select` issuing with
// the URLs the trust role at `trust_url` will give (its OCSP responder, its CA
// certificates), since the election's manifest, fixed before the node starts, names him
// by his signing certificate. Returns that certificate's SHA-256 (hex).
Result<std::string> EnsureDemoOfficial(const CaSelect& select, const std::string& trust_url);

}  // namespace riik::cli
