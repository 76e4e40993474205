// The trust role: the state CA's public face over HTTP.
//   POST /ocsp                 OCSP request (application/ocsp-request) -> response
//   GET  /ocsp/{base64}        the same, GET form of RFC 6960 appendix A
//   POST /tsa                  RFC 3161 query (application/timestamp-query) -> reply
//   GET  /ca/{root|eid|org}.crt  CA certificates (DER), the AIA caIssuers targets
//   POST /admin/issue, /admin/issue-eid, /admin/revoke   the operator's calls while the
//        role owns the CA's store; need `Authorization: Bearer <token>` from
//        CA_DIR/admin-token (0600), see node/admin_api.h
// Settings: passphrase_file (required: opens the CA keys), ca_dir (default DATA_DIR/trust),
// ocsp_queue and tsa_queue (default 1024: OCSP requests and timestamp queries waiting for
// the node's blocking pool; more are answered tryLater, or rejected with 503, at once).
// The CA is created on first start; its AIA URLs point at this role's own URL.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "net/router.h"
#include "node/config.h"
#include "node/role.h"

namespace riik::node {

class Node;

// Adds the routes; until the service's Start() has opened (or created) the CA with the
// role's URL as the base of its AIA URLs, OCSP answers tryLater, the TSA a rejection
// (503), and the rest 503. Fails on a queue setting out of range.
Result<std::shared_ptr<RoleService>> AddTrustRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
