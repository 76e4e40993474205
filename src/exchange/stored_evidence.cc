// Evidence export from a store, the tree rebuilt from its records.
#include "exchange/stored_evidence.h"

#include <nlohmann/json.hpp>

#include "exchange/evidence_export.h"
#include "exchange/log_tables.h"
#include "ledger/merkle.h"

namespace riik::exchange {

namespace tables = log_tables;

Result<std::vector<std::string>> StoredLogIds(store::Store& store) {
  std::vector<std::string> ids;
  if (!store.Schema(tables::kHeads).ok()) return ids;
  ASSIGN_OR_RETURN(auto rows, store.Query(std::string("SELECT DISTINCT log_id FROM ") + tables::kHeads +
                                          " ORDER BY log_id"));
  for (const auto& row : rows) {
    auto it = row.find("log_id");
    if (it == row.end()) continue;
    if (const auto* s = std::get_if<std::string>(&it->second)) ids.push_back(*s);
    if (const auto* b = std::get_if<store::Blob>(&it->second)) ids.push_back(b->bytes);
  }
  return ids;
}

Result<Json> EvidenceFromStore(store::Store& store, const std::string& log_id, const std::string& xroad_id) {
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last, tables::LastHead(store, log_id));
  if (!last) return NotFound("message log " + log_id + " has no signed tree head");
  const int64_t committed = last->head.tree_size;
  auto tree = std::make_shared<ledger::MerkleTree>();
  RETURN_IF_ERROR(tables::ForEachRecord(store, log_id, 0, [&](const tables::StoredRecord& r) -> Status {
    if (r.leaf_index >= committed) return OkStatus();  // a batch committed after we read the head
    if (r.leaf_index != static_cast<int64_t>(tree->size())) {
      return DataLoss("message log " + log_id + ": record " + std::to_string(tree->size()) + " is missing");
    }
    tree->Append(ledger::LeafHash(r.leaf));
    return OkStatus();
  }));
  if (static_cast<int64_t>(tree->size()) != committed || tree->Root() != last->head.root) {
    return DataLoss("message log " + log_id + ": the stored records do not match the last signed tree head; run "
                    "`riik exchange log verify`");
  }
  TreeProofs proofs{[tree](uint64_t index, uint64_t size) { return tree->InclusionProof(index, size); },
                    [tree](uint64_t old_size, uint64_t new_size) { return tree->ConsistencyProof(old_size, new_size); }};
  return BuildEvidence(store, log_id, xroad_id, committed, proofs);
}

}  // namespace riik::exchange
