// The rp role: a relying party of the sign-in service, as every state service that
// signs citizens in is one. It sends the browser to auth (the code flow with PKCE,
// state and nonce), takes the code back, exchanges it with its client secret, checks
// the ID token against the provider's JWKS, keeps its own session, signs out through
// auth (which ends the single sign-on session everywhere) and honours back-channel
// logout. `riik up` runs two (demo services A and B) to show single sign-on.
// Routes (the public's):
//   GET  /                     who is signed in, or a button to sign in
//   GET  /login                to the sign-in service
//   GET  /callback             back from it with a code (or an error)
//   POST /logout               sign out everywhere
//   POST /backchannel-logout   logout_token from the sign-in service
// Settings: those of browser_service.h, and
//   title            the service's name on its page (default "Demo service")
//   company_service  what GET /company reads (default the business register's company)
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddRelyingPartyRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
