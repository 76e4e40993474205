// The exchange role: a member's security server (exchange/security_proxy.h).
//   ANY  /r1/{INSTANCE}/{CLASS}/{CODE}/{SUBSYSTEM}/{SERVICE}[/path][?query]
//        on the role's own listener, for the member's information systems: the X-Road
//        Message Protocol for REST 1.0 (docs/exchange.md). Each client subsystem is
//        authenticated as X-Road's SSLAUTH does it: over TLS by its certificate
//        (client_cert.SUBSYSTEM), over plain HTTP only if plain_http_clients names it
//   the provider listener (`provider_listen`, TLS, client certificates required): the
//        same paths, from other security servers
//   POST /admin/grant, /admin/revoke  {"service", "client", "method"?, "path"?}
//   POST /admin/rights {"service"?}   the grants; POST /admin/status  what the server uses
//        (Authorization: Bearer the token in DIR/admin-token)
// Settings (paths are PEM files):
//   server_id           INSTANCE/CLASS/CODE/SERVERCODE, as registered at the central authority
//   central_url, anchor the central role's URL and the trust anchor (handed over out of band)
//   conf_refresh_s      how often to download the global configuration (default 60)
//   trust_root          the state root certificate: peers, TSA and evidence chain to it
//   auth_cert, auth_key the member's TLS authentication certificate (chain) and key (tls-client)
//   tls_cert, tls_key   the provider listener's server certificate (chain) and key (tls-server)
//   provider_listen     HOST:PORT of the provider listener (on the node's event loops);
//                       provider_max_connections_per_peer (128) caps each peer address
//   signing_cert, signing_key, key_passphrase_file  the member's signing certificate
//                       (chain, leaf first) and key for the message log
//   backend.SERVICE-ID  the backend URL of each service this server provides
//   workers (32), max_body_bytes (4 MiB), peer_timeout_ms, backend_timeout_ms (30000)
//   log_batch_delay_us (0)  how long a message-log batch waits for more records before
//                       it is signed and committed (under load batches fill by themselves)
//   log_timestamp_interval_ms (1000)  at most one TSA timestamp per interval for the
//                       newest signed tree head (it covers all earlier heads)
//   log_head_interval_ms (100)  at most one signed tree head per interval; records
//                       are answered once durable and signed by the next head (0: a head
//                       per batch)
//   ocsp_freshness_s (60)  how long a peer's OCSP status is trusted; connections to
//                       peers are renewed as often, so a revoked peer is cut off within it
//   client_rate_per_s (2000), client_burst (400), client_max_in_flight (workers/2)
//                       admission per client subsystem on the consumer side (429
//                       Server.ClientProxy.TooManyRequests beyond them)
//   client_cert.SUBSYSTEM  the PEM certificate(s) (comma-separated files) the
//                       information system of SUBSYSTEM presents on the role's TLS
//                       listener (tls.client_ca: the state root); pinned by SHA-256
//   plain_http_clients  subsystems allowed to call over plain HTTP (development only;
//                       anyone on the network can claim to be them)
//   backend_cert, backend_key  the client certificate towards https backends (default
//                       auth_cert, auth_key); backends pin it
//   dir                 admin token directory (default DATA_DIR/STORE)
// The store (message log, access rights) is RoleStoreName(NAME) (node.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "net/router.h"
#include "node/config.h"
#include "node/role.h"

namespace riik::node {

class Node;

// Adds the consumer routes and the admin API; they answer 503 until Start() has loaded
// the keys, opened the message log and started the provider listener.
// Fails for client settings that do not parse or name unreadable certificates.
Result<std::shared_ptr<RoleService>> AddExchangeRoutes(Node& node, const RoleConfig& role, net::Router& router);

// The body limit for the role's own listener: above the relay's max_body_bytes, so that
// an oversize call gets the X-Road error rather than the listener's bare 413.
size_t ExchangeListenerBodyLimit(const RoleConfig& role);

}  // namespace riik::node
