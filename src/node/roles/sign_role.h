// The sign role: the signature validation service (docs/signatures.md). A member's
// backend behind its security server, as a registry is: registries (the tax board)
// send it citizens' ASiC-E containers through the exchange, and it answers the
// verification report after recording the validation in its signed log, so that the
// holder of a container can later prove the state validated it and what it said
// (docs/formats/validation.md).
// Routes:
//   POST /validate          body: the container (application/vnd.etsi.asic-e+zip);
//                           answer: {"report": …, "record": {"log_id", "leaf_index", "tree_size"}}
//   GET  /validations/{sha256}   the log's entries for a container, with proofs
// Settings:
//   subsystem         the service's member subsystem (default EE/GOV/70006317/sign): the log's name
//   trust_root        the state root: the signatures' anchor and the log's (required)
//   signing_cert, signing_key, key_passphrase_file  the member's signing key for the log (required)
//   tsa_url           the log's timestamps (default: the trust role of this process)
//   exchange_cert     the security server that may call (mutual TLS); plain_http = "development" otherwise
//   workers           threads verifications run on (default 2)
//   max_container_bytes   the largest container accepted (default 16 MiB)
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddSignRoutes(Node& node, const RoleConfig& role, net::Router& router);
// The listener's body limit for the sign role: its max_container_bytes.
size_t SignListenerBodyLimit(const RoleConfig& role);

}  // namespace riik::node
