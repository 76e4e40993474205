// The auth role: the state's sign-in service, an OpenID Connect provider in front of the
// citizens' eIDs (the ID-card through Web eID, and confirmation in the citizen's app),
// with single sign-on across services. Protocol, claims and pages: docs/signin.md.
// Routes (the public's: browsers, relying parties, the citizens' apps):
//   GET  /.well-known/openid-configuration, /jwks
//   GET  /authorize                      the code flow with PKCE; the sign-in page
//   GET  /login/{request}                the sign-in page (?lang=et|en)
//   POST /login/{request}/idcard/challenge, /login/{request}/idcard   the Web eID challenge and token
//   POST /login/{request}/app            the personal code (form); then the verification code
//   GET  /login/{request}/app/wait       long poll for the app's answer
//   POST /login/{request}/app/continue, /login/{request}/cancel         forms
//   POST /token                          client_secret_basic or private_key_jwt
//   GET, POST /userinfo                  Bearer access token
//   GET  /logout                         RP-initiated logout; back-channel logout to every client
//   POST /app/v1/devices                 the app's device key, bound to the person with PIN1 (and the
//                                        request signed by that key, as a look is)
//   GET  /app/v1/requests                what waits in the person's app (signed by the device key)
//   POST /app/v1/requests/{id}           the app's answer: {certificate, signature} (a signature's first
//                                        step also signing_certificate) or {decline: true, …}
//   GET  /static/signin.js, /static/signin.css
// Settings:
//   trust_root, eid_ca   the state root and the citizens' eID CA (PEM; required)
//   ocsp_url             the eID OCSP responder (default: the trust role of this process)
//   ocsp_timeout_ms      how long a check waits for its answer (default 3000)
//   issuer               the provider's public URL, scheme, host and port only (default: its
//                        listener's URL); the citizen's app's --auth
//   central_url, central_anchor   where sign-in clients are registered (default: this process's
//                        central role and DIR/central/anchor.json); or clients_file, a JSON array
//                        of registrations (docs/signin.md)
//   keys_dir             the ID-token signing keys (default DIR/auth/keys)
//   plain_http           "development" to serve without TLS (cookies then lose Secure)
//   answer_queue, idcard_queue, bind_queue   how many of the app's answers, ID-card tokens and
//                        device bindings may wait for the eID checks' threads (256, 256, 8);
//   token_queue          and token requests for the blocking pool (256). More are answered
//                        503 at once (Retry-After); /metrics: riik_queue_waiting{role, queue}
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddAuthRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
