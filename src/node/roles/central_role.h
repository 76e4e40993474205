// The central role: the X-Road central authority. It keeps the registry of members,
// subsystems, security servers and services (store "central", every change journaled)
// and publishes the signed global configuration.
//   GET  /globalconf   the signed document (docs/formats/global-conf.md), re-signed
//                      after every change and when half its validity has passed
//   GET  /anchor       the trust anchor (the signing certificate): convenient, but a
//                      security server must get it out of band and compare it
//   POST /admin/member, /admin/subsystem, /admin/server, /admin/service   registry
//                      changes; `Authorization: Bearer` the token in DIR/admin-token
// Settings: signing_cert, signing_key (PEM; the central authority's signing
// certificate from the organisations CA), key_passphrase_file (if the key is
// encrypted), instance (default EE), conf_validity_s (default 600), ocsp_url and
// tsa_url (default: those of a trust role started earlier in the same process), dir
// (default DATA_DIR/central).
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

std::shared_ptr<RoleService> AddCentralRoutes(Node& node, net::Router& router);

}  // namespace riik::node
