// Exporting a message log's evidence for one X-Road-Id: every record with that id, the
// signed tree head covering it with the inclusion proof, the signer's certificates, and
// the RFC 3161 token of that head or of the first later timestamped head together with a
// consistency proof (docs/formats/evidence.md). evidence.h checks the result offline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "exchange/evidence.h"
#include "ledger/merkle.h"
#include "store/store.h"

namespace riik::exchange {

// Proofs over the log's tree (a MessageLog's in-memory tree, or one rebuilt from the store).
struct TreeProofs {
  std::function<Result<std::vector<ledger::Hash>>(uint64_t index, uint64_t tree_size)> inclusion;
  std::function<Result<std::vector<ledger::Hash>>(uint64_t old_size, uint64_t new_size)> consistency;
};

// The evidence entries of every record stored under `key` (sealed by a head up to
// `committed_size`), in leaf order; an empty array if there is none. Each entry:
// {certificates, head, inclusion_proof, leaf_index, record, timestamp} (evidence.md).
Result<Json> BuildEvidenceEntries(store::Store& store, const std::string& log_id, const std::string& key,
                                  int64_t committed_size, const TreeProofs& proofs);

// Hex hashes.
Json HashesToJson(const std::vector<ledger::Hash>& hashes);
// The signer's certificate chain as PEM strings.
Result<Json> SignerChainJson(store::Store& store, const std::string& fingerprint);

// Builds the evidence document from the log's tables, looking only at tree heads up to
// `committed_size` (those `proofs` can prove). NotFound if no record has the id;
// Unavailable if a record's head is not covered by any timestamp yet.
Result<Json> BuildEvidence(store::Store& store, const std::string& log_id, const std::string& xroad_id,
                           int64_t committed_size, const TreeProofs& proofs);

}  // namespace riik::exchange
