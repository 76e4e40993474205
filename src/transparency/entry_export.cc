// Building a signed log's entries for one key from its tables.
#include "transparency/entry_export.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "transparency/entry_check.h"
#include "transparency/tables.h"
#include "transparency/tree_head.h"

namespace riik::transparency {
namespace {

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

Result<Json> EntryJson(store::Store& store, const std::string& log_id, const tables::StoredLeaf& stored,
                       int64_t committed_size, const TreeProofs& proofs) {
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> head,
                   tables::FirstHeadFrom(store, log_id, stored.leaf_index + 1, committed_size));
  if (!head) return Unavailable("leaf " + std::to_string(stored.leaf_index) + " is not sealed yet");
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> inclusion, proofs.inclusion(static_cast<uint64_t>(stored.leaf_index),
                                                                         static_cast<uint64_t>(head->head.tree_size)));
  ASSIGN_OR_RETURN(Json certificates, SignerChainJson(store, head->signer));
  ASSIGN_OR_RETURN(Json timestamp, TimestampJson(store, *head, committed_size, proofs));
  ASSIGN_OR_RETURN(Json leaf, ParseJson(stored.leaf));
  return Json{{"certificates", std::move(certificates)},
              {"head", TreeHeadToJson(head->head)},
              {"inclusion_proof", HashesToJson(inclusion)},
              {"leaf_index", stored.leaf_index},
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

Result<Json> BuildEntries(store::Store& store, const std::string& log_id, const std::string& key, LogSizes sizes,
                          const TreeProofs& proofs) {
  ASSIGN_OR_RETURN(std::vector<tables::StoredLeaf> leaves, tables::LeavesWithKey(store, log_id, key, kMaxEntries));
  Json entries = Json::array();
  for (const tables::StoredLeaf& stored : leaves) {
    if (stored.leaf_index >= sizes.stored_leaves) continue;  // sealed after this export began
    if (stored.leaf_index >= sizes.signed_leaves) {
      return Unavailable("leaf " + std::to_string(stored.leaf_index) +
                         " is stored but not yet under a signed tree head (the log signs one within its head "
                         "interval); try again shortly");
    }
    ASSIGN_OR_RETURN(Json entry, EntryJson(store, log_id, stored, sizes.signed_leaves, proofs));
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace riik::transparency
