// The vote role: the election's ballot box (vote/ballot_box.h) as a member's backend
// behind its security server, as a registry is (docs/voting.md). The citizen portal
// calls it through the exchange on behalf of the voter signed in there (X-Road-UserId);
// the voter's app and anyone else reach the public routes; the operator the admin ones.
//
// Who it lets in (deny by default):
//   - the security server in exchange_cert (mutual TLS, pinned): the voters' routes;
//   - anyone, without a certificate: the voter's check and the board's heads, which
//     name nobody (pseudonyms, encrypted ballots) and are limited per ballot;
//   - the operator with the admin token (DIR/admin-token): paper votes and the closing.
//
// Routes:
//   GET  /election               the voter's election: manifest, key, their pseudonym,
//                                district and its contests, the result once published
//                                (404 not_a_voter if not listed)
//   POST /ballots                the signed ballot (application/vnd.etsi.asic-e+zip);
//                                answer: the receipt {ballot_hash, vote_id, time, leaf_index, head}
//   GET  /check/{vote_id}        the voter's check (public; 30 minutes, 3 times)
//   GET  /manifest               the manifest as published, its hash and the election key (public)
//   GET  /board/head             the board's latest signed head (public)
//   GET  /board/consistency?from=N&to=M   RFC 9162 consistency proof between two heads (public)
//   POST /admin/paper  {"code", "statement"}  a paper vote on the polling station's signed
//                                statement (base64 ASiC-E): the person's i-votes are cancelled
//   POST /admin/close  {}        closes the board once the polls have closed
//   POST /admin/result {"tally"} publishes the trustees' tally.json: the record is exported
//                                beside it and verified whole first (riik vote publish)
//   GET  /record/{file}          the published record's files (public)
//
// Settings:
//   election_dir       manifest.json and ceremony.json (required), and the organiser's
//                      voters.jsonl if any; without it the list is made at the first start
//                      from the population register's roll. The list is kept in the store.
//   roll_service       the roll through the exchange (default EE/GOV/70000013/population/voters)
//   exchange_url       the member's security server (consumer side), for the roll
//   exchange_cert      the security server that may call (mutual TLS)
//   signing_cert, signing_key, key_passphrase_file   the board's signer (the manifest pins its key)
//   trust_root, tsa_url    the state root; the board's timestamps (default: the trust role here)
//   pseudonym_key_file     the voters' pseudonym secret (default DIR/pseudonym.key, made 0600)
//   max_waiting        ballots queued or being checked at once, on the node's pool for
//                      blocking work (default 16); more are answered 503 busy
//   record_queue       requests for the record's files waiting for the same pool (default
//                      64; /metrics: riik_queue_waiting{queue="record"}); more: 503 busy
#pragma once

#include <memory>

#include "net/router.h"
#include "node/role.h"

namespace riik::node {

class Node;

Result<std::shared_ptr<RoleService>> AddVoteRoutes(Node& node, const RoleConfig& role, net::Router& router);

}  // namespace riik::node
