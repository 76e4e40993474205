// The status role: what a node runs and each store's journal head, over HTTP.
// The public sees health, heads and digests (which reveal nothing of the rows):
//   GET /v1/status                         version, uptime, roles, store heads
//   GET /v1/stores                         every store's journal head
//   GET /v1/stores/{store}/digest          state digest at the current head
//   GET /v1/embassy                        shipping to the data embassies: acked seq, lag
// The operator alone (Authorization: Bearer <operator token>, over TLS or from
// loopback) reads journal pages, which hold the rows themselves:
//   GET /v1/stores/{store}/journal?after=S&limit=N   entries after seq S (N <= 1000)
// The vault's journal (keys and passphrases) is never served, to anyone.
#pragma once

#include <string>

#include "core/status.h"
#include "net/router.h"
#include "node/config.h"

namespace riik::node {

class Node;

// Where a node keeps the operator's token for its status listeners unless the role
// sets operator_token_file: DATA_DIR/operator-token (made on the first start, 0600).
std::string OperatorTokenPath(const std::string& data_dir);

// Fails if the operator token cannot be read or made (or is open to others).
Status AddStatusRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
