// The portal role: the citizen portal, the state's front door (docs/portal.md). A
// registered client of the sign-in service (single sign-on with the state's other
// services, sign-out everywhere), in English and Estonian; what it shows about a person
// it asks the registries through the exchange on that person's behalf (X-Road-UserId
// from their ID token, never from the browser), so every reading is in the registry's
// data tracker and the exchange's message log.
// Routes (the public's; pages need a session, else they offer sign-in):
//   GET  /                     home: sign in, or what the portal offers
//   GET  /login, /callback     sign-in through auth
//   POST /logout               sign out everywhere (CSRF token)
//   POST /backchannel-logout   logout_token from the sign-in service
//   GET  /lang?to=et&back=/p   switch the language (remembered in a cookie)
//   GET  /data                 "My data": every registry's data about the person
//   GET  /address              the current address, the change form, who knows of it
//   POST /address              change the address (CSRF token)
//   GET  /address/status       JSON: which subscribers know the current address
//   GET  /tax, POST /tax/sign  the pre-filled return; sign it in the app (CSRF token)
//   POST /tax/signing          the signing's state (X-CSRF-Token): once signed, submits it
//   GET  /tracker, /tracker/{registry}.json   who used my data; a registry's listing
//   GET  /documents, POST /documents           the documents; upload (multipart, CSRF)
//   GET  /documents/{id}, POST …/sign, …/cosigners, …/verify, POST …/signing (X-CSRF-Token),
//        GET …/container       one document: sign, ask a co-signer, check, poll, download
//   GET  /companies            the person's companies; acting for one
//   GET  /static/{name}        the portal's script, style sheet and icon (compiled in)
// Settings: those of browser_service.h (exchange_url and trust_root are required). Its
// store "portal" holds the documents (portal/document_store.h).
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddPortalRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
