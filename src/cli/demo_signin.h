// The sign-in service of `riik up`: the auth role (TLS from the organisations CA), and
// the web services registered at the central authority as its clients — two demo
// services (roles rp, "demo A" and "demo B") and the citizen portal (role portal) — so
// that a newcomer can sign in with a demo citizen's eID, use the portal, and see single
// sign-on and sign-out everywhere (docs/signin.md, docs/portal.md).
#pragma once

#include <string>
#include <vector>

#include "cli/ca_access.h"
#include "cli/demo_exchange.h"
#include "node/config.h"

namespace riik::cli {

// Issues the TLS certificates (once), registers the web services as sign-in clients at
// the central registry (its store, before central runs; their secrets 0600 under DIR),
// and returns the auth, rp and portal role configs, in the order they must start.
Result<std::vector<node::RoleConfig>> PrepareDemoSignIn(CaAccess& ca, const std::string& dir,
                                                        const DemoExchangePorts& ports);

}  // namespace riik::cli
