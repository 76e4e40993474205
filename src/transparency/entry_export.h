// Exporting a signed log's entries for one key: every leaf stored under it, the signed
// tree head covering it with the inclusion proof, the signer's certificates, and the
// RFC 3161 token of that head or of the first later timestamped head together with a
// consistency proof (docs/formats/signed_log.md, "Entry"). entry_check.h checks them
// offline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "ledger/merkle.h"
#include "store/store.h"

namespace riik::transparency {

// Proofs over the log's tree (a SignedLog's in-memory tree, or one rebuilt from the store).
struct TreeProofs {
  std::function<Result<std::vector<ledger::Hash>>(uint64_t index, uint64_t tree_size)> inclusion;
  std::function<Result<std::vector<ledger::Hash>>(uint64_t old_size, uint64_t new_size)> consistency;
};

// How far a log reached when an export began: the leaves under its latest signed head
// (which the proofs can prove), and the leaves stored, some of which may still wait for
// a head (SignedLogOptions::head_interval).
struct LogSizes {
  int64_t signed_leaves = 0;
  int64_t stored_leaves = 0;
};

// The entries of every leaf stored under `key` when the export began, in leaf order; an
// empty array if there is none. Each entry: {certificates, head, inclusion_proof,
// leaf_index, record, timestamp}, `record` being the leaf (a JSON text). Unavailable if a
// leaf is not under a signed head yet, or its head not covered by any timestamp yet;
// ResourceExhausted beyond kMaxEntries.
Result<Json> BuildEntries(store::Store& store, const std::string& log_id, const std::string& key, LogSizes sizes,
                          const TreeProofs& proofs);

// Hex hashes.
Json HashesToJson(const std::vector<ledger::Hash>& hashes);
// The signer's certificate chain as PEM strings.
Result<Json> SignerChainJson(store::Store& store, const std::string& fingerprint);

}  // namespace riik::transparency
