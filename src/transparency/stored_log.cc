// A signed log's entries read from a store, the tree rebuilt from its leaves.
#include "transparency/stored_log.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/encoding.h"
#include "ledger/merkle.h"
#include "transparency/entry_export.h"
#include "transparency/migration.h"
#include "transparency/tables.h"

namespace riik::transparency {

Result<std::vector<std::string>> StoredLogIds(store::Store& store) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(RequireMigrated(store));
  if (!store.Schema(tables::kHeads).ok()) return ids;
  ASSIGN_OR_RETURN(auto rows,
                   store.Query(std::string("SELECT DISTINCT log_id FROM ") + tables::kHeads + " ORDER BY log_id"));
  for (const auto& row : rows) {
    auto it = row.find("log_id");
    if (it == row.end()) continue;
    if (const auto* s = std::get_if<std::string>(&it->second)) ids.push_back(*s);
    if (const auto* b = std::get_if<store::Blob>(&it->second)) ids.push_back(b->bytes);
  }
  return ids;
}

Result<Json> EntriesFromStore(store::Store& store, const std::string& log_id, const std::string& key) {
  RETURN_IF_ERROR(RequireMigrated(store));
  if (!store.Schema(tables::kHeads).ok()) return NotFound("this store holds no signed log");
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last, tables::LastHead(store, log_id));
  if (!last) {
    // A log whose first head is still to come (its first try failed: a head interval's).
    ASSIGN_OR_RETURN(std::vector<tables::StoredLeaf> waiting, tables::LeavesWithKey(store, log_id, key, kMaxEntries));
    if (!waiting.empty()) {
      return Unavailable("leaf " + std::to_string(waiting[0].leaf_index) +
                         " is stored but not yet under a signed tree head; try again shortly");
    }
    return NotFound("signed log " + log_id + " has no signed tree head");
  }
  const int64_t committed = last->head.tree_size;
  auto tree = std::make_shared<ledger::MerkleTree>();
  int64_t stored = 0;  // leaves read, the head's and those after it (a head interval's, or newer)
  RETURN_IF_ERROR(tables::ForEachLeaf(store, log_id, tables::kUnbounded, [&](const tables::StoredLeaf& r) -> Status {
    stored = std::max(stored, r.leaf_index + 1);
    if (r.leaf_index >= committed) return OkStatus();
    if (r.leaf_index != static_cast<int64_t>(tree->size())) {
      return DataLoss("signed log " + log_id + ": leaf " + std::to_string(tree->size()) + " is missing");
    }
    tree->Append(ledger::LeafHash(r.leaf));
    return OkStatus();
  }));
  if (static_cast<int64_t>(tree->size()) != committed || tree->Root() != last->head.root) {
    return DataLoss("signed log " + log_id +
                    ": the stored leaves do not match the last signed tree head; run its "
                    "verify command to find the bad leaf");
  }
  TreeProofs proofs{
      [tree](uint64_t index, uint64_t size) { return tree->InclusionProof(index, size); },
      [tree](uint64_t old_size, uint64_t new_size) { return tree->ConsistencyProof(old_size, new_size); }};
  return BuildEntries(store, log_id, key, {committed, stored}, proofs);
}

Result<int64_t> StoredLogSize(store::Store& store, const std::string& log_id) {
  RETURN_IF_ERROR(RequireMigrated(store));
  if (!store.Schema(tables::kHeads).ok()) return 0;
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last, tables::LastHead(store, log_id));
  return last ? last->head.tree_size : 0;
}

Status ForEachStoredLeaf(store::Store& store, const std::string& log_id,
                         const std::function<Status(int64_t, const std::string&, const std::string&)>& fn) {
  RETURN_IF_ERROR(RequireMigrated(store));
  if (!store.Schema(tables::kBatches).ok()) return OkStatus();
  return tables::ForEachLeaf(store, log_id, tables::kUnbounded,
                             [&](const tables::StoredLeaf& r) { return fn(r.leaf_index, r.key, r.leaf); });
}

Status ForEachStoredHead(store::Store& store, const std::string& log_id, const std::function<Status(Json)>& fn) {
  RETURN_IF_ERROR(RequireMigrated(store));
  if (!store.Schema(tables::kHeads).ok()) return OkStatus();
  std::string chain_of;  // the signer whose chain `chain` holds: heads share one signer for long stretches
  Json chain;
  // The timestamps, walked beside the heads: the next one at or after the head in hand.
  std::optional<tables::StoredTimestamp> stamp;
  bool stamps_left = store.Schema(tables::kTimestamps).ok();
  return tables::ForEachHead(store, log_id, 0, [&](tables::StoredHead h) -> Status {
    if (h.signer != chain_of) {
      ASSIGN_OR_RETURN(chain, SignerChainJson(store, h.signer));
      chain_of = h.signer;
    }
    Json out{{"certificates", chain}, {"head", TreeHeadToJson(h.head)}};
    if (stamps_left && (!stamp || stamp->tree_size < h.head.tree_size)) {
      ASSIGN_OR_RETURN(
          stamp, tables::FirstTimestampFrom(store, log_id, h.head.tree_size, std::numeric_limits<int64_t>::max()));
      stamps_left = stamp.has_value();
    }
    if (stamp && stamp->tree_size == h.head.tree_size) out["timestamp"] = Base64Encode(stamp->token);
    return fn(std::move(out));
  });
}

}  // namespace riik::transparency
