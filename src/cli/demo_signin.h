// The sign-in service of `riik up`: the auth role (TLS from the organisations CA) and
// two demo services (roles rp, "demo A" and "demo B") registered at the central
// authority as its clients, so that a newcomer can sign in with a demo citizen's eID and
// see single sign-on and sign-out everywhere (docs/signin.md).
#pragma once

#include <string>
#include <vector>

#include "cli/ca_access.h"
#include "cli/demo_exchange.h"
#include "node/config.h"

namespace riik::cli {

// Issues the TLS certificates (once), registers the demo services as sign-in clients at
// the central registry (its store, before central runs; their secrets 0600 under DIR),
// and returns the auth and rp role configs, in the order they must start.
Result<std::vector<node::RoleConfig>> PrepareDemoSignIn(CaAccess& ca, const std::string& dir,
                                                        const DemoExchangePorts& ports);

}  // namespace riik::cli
