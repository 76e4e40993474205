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

}  // namespace riik::cli
