// The registry role: one of the base registries (registry/registry.h) serving its
// services on its listener, the backend its security server relays to (GET
// /SERVICE/{key}, docs/registries.md). Its store is RoleStoreName(NAME) (node.h); on
// its first start the registry generates the synthetic population and loads its part
// before it listens (a few thousand persons take well under a second).
// Settings:
//   registry          population, business, tax, bank or education (required)
//   population_count  persons in the synthetic population (default 3000)
//   population_seed   its seed (default 1); every registry of a state must use the same two
//   workers           threads its answers run on (default 4): each holds one answer, also
//                     while it waits on the exchange
//   demo_people       "true": `riik up`'s demo citizens are among them (default false)
//   exchange_url      the consumer side of the member's own security server, for what
//                     the registry asks others (the tax board: the bank's interest)
//   signing_cert, signing_key, key_passphrase_file, trust_root  the member's signing
//                     certificate and key for the data tracker's signed tree heads (no
//                     signing_cert: no tracker, with a warning); tsa_url for their
//                     timestamps (default: the trust role of this process)
//   validation_service  the signature validation service signed documents go to, through
//                     the exchange (the tax board's signed returns), e.g.
//                     EE/GOV/70006317/sign/validate; none: signed submissions answer 503
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddRegistryRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
