// The embassy role: the data embassy's receiving end, the stand-in for the site abroad.
// It keeps the segments the state's nodes ship (embassy/archive.h): ciphertext only,
// checked and durable before acknowledged. Mutual TLS only, and only for the senders it
// is told of:
//   GET  /v1/embassy/nodes                    every node held: head, segments, bytes
//   GET  /v1/embassy/nodes/{node}             one node's head {last_seq, hash, …}
//   PUT  /v1/embassy/nodes/{node}/signer      the certificate chain its segments verify with
//   PUT  /v1/embassy/nodes/{node}/keys        its data key, wrapped to the master key
//   PUT  /v1/embassy/nodes/{node}/checkpoints a signed state digest at a seq held here
//   POST /v1/embassy/nodes/{node}/segments    the next segment: 200 with the new head once
//                                             durable; 409 when it is not the next one
// Settings: archive_dir (default DATA_DIR/embassy-archive), trust_root (PEM: signers
// and clients must chain to it), senders (comma-separated SHA-256 of the TLS client
// certificates allowed to ship; nothing else is let in).
#pragma once

#include <memory>

#include "net/router.h"
#include "node/config.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddEmbassyRoutes(Node& node, const RoleConfig& role, net::Router& router);

// A sealed segment and its request's framing.
size_t EmbassyListenerBodyLimit();

}  // namespace riik::node
