// The portal's script and style sheet, compiled in from src/portal/assets: nothing is
// loaded from anywhere else at run time.
#pragma once

#include <string_view>

namespace riik::portal {

// The asset's bytes by file name ("portal.js", "portal.css"); empty if there is none.
std::string_view PortalAsset(std::string_view name);

}  // namespace riik::portal
