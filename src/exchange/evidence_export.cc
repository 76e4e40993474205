// Building the evidence document for one X-Road-Id from the message log's tables.
#include "exchange/evidence_export.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "exchange/log_tables.h"
#include "exchange/tree_head.h"

namespace riik::exchange {
namespace {

namespace tables = log_tables;


// The timestamp part of an entry: the first timestamped head at or after `head`.
Result<Json> TimestampJson(store::Store& store, const tables::StoredHead& head, int64_t committed_size,
                           const TreeProofs& proofs) {
  const std::string& log_id = head.head.log_id;
  ASSIGN_OR_RETURN(std::optional<tables::StoredTimestamp> stamp,
                   tables::FirstTimestampFrom(store, log_id, head.head.tree_size, committed_size));
  if (!stamp) {
    return Unavailable("the tree head of size " + std::to_string(head.head.tree_size) + " (signed " +
                       FormatRfc3339(head.head.time_us) +
                       ") is not timestamped yet: the TSA has not answered since; try again later");
  }
  tables::StoredHead stamped = head;
  std::vector<ledger::Hash> consistency;
  if (stamp->tree_size != head.head.tree_size) {
    ASSIGN_OR_RETURN(std::optional<tables::StoredHead> later,
                     tables::FirstHeadFrom(store, log_id, stamp->tree_size, stamp->tree_size));
    if (!later) return DataLoss("a timestamp for tree size " + std::to_string(stamp->tree_size) + " has no tree head");
    stamped = std::move(*later);
    ASSIGN_OR_RETURN(consistency, proofs.consistency(static_cast<uint64_t>(head.head.tree_size),
                                                     static_cast<uint64_t>(stamped.head.tree_size)));
  }
  ASSIGN_OR_RETURN(Json certificates, SignerChainJson(store, stamped.signer));
  return Json{{"certificates", std::move(certificates)},
              {"consistency_proof", HashesToJson(consistency)},
              {"head", TreeHeadToJson(stamped.head)},
              {"token", Base64Encode(stamp->token)}};
}

Result<Json> EntryJson(store::Store& store, const std::string& log_id, const tables::StoredRecord& record,
                       int64_t committed_size, const TreeProofs& proofs) {
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> head,
                   tables::FirstHeadFrom(store, log_id, record.leaf_index + 1, committed_size));
  if (!head) return Unavailable("record " + std::to_string(record.leaf_index) + " is not sealed yet");
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> inclusion,
                   proofs.inclusion(static_cast<uint64_t>(record.leaf_index), static_cast<uint64_t>(head->head.tree_size)));
  ASSIGN_OR_RETURN(Json certificates, SignerChainJson(store, head->signer));
  ASSIGN_OR_RETURN(Json timestamp, TimestampJson(store, *head, committed_size, proofs));
  ASSIGN_OR_RETURN(Json leaf, ParseJson(record.leaf));
  return Json{{"certificates", std::move(certificates)},
              {"head", TreeHeadToJson(head->head)},
              {"inclusion_proof", HashesToJson(inclusion)},
              {"leaf_index", record.leaf_index},
              {"record", std::move(leaf)},
              {"timestamp", std::move(timestamp)}};
}

}  // namespace

Json HashesToJson(const std::vector<ledger::Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(DigestHex(h));
  return out;
}

Result<Json> SignerChainJson(store::Store& store, const std::string& fingerprint) {
  ASSIGN_OR_RETURN(std::vector<std::string> pems, tables::SignerChain(store, fingerprint));
  return Json(pems);
}

Result<Json> BuildEvidenceEntries(store::Store& store, const std::string& log_id, const std::string& key,
                                  int64_t committed_size, const TreeProofs& proofs) {
  ASSIGN_OR_RETURN(std::vector<tables::StoredRecord> records,
                   tables::RecordsWithXRoadId(store, log_id, key, kMaxEvidenceEntries));
  Json entries = Json::array();
  for (const tables::StoredRecord& record : records) {
    if (record.leaf_index >= committed_size) continue;  // sealed after this export began
    ASSIGN_OR_RETURN(Json entry, EntryJson(store, log_id, record, committed_size, proofs));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<Json> BuildEvidence(store::Store& store, const std::string& log_id, const std::string& xroad_id,
                           int64_t committed_size, const TreeProofs& proofs) {
  ASSIGN_OR_RETURN(Json entries, BuildEvidenceEntries(store, log_id, xroad_id, committed_size, proofs));
  if (entries.empty()) return NotFound("no message with X-Road-Id " + xroad_id + " in message log " + log_id);
  return Json{{"entries", std::move(entries)}, {"format", kEvidenceFormat}, {"xroad_id", xroad_id}};
}

}  // namespace riik::exchange
