// A signed log's tables in its owner's store (docs/formats/signed_log.md, "Storage"), the
// rows the log writes, and the reads the log, its verification and its exports share.
// Every log of a store shares the tables, told apart by log_id. Internal to src/transparency.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"
#include "transparency/tree_head.h"

namespace riik::transparency::tables {

inline constexpr const char* kLeaves = "signed_log_leaves";
inline constexpr const char* kHeads = "signed_log_heads";
inline constexpr const char* kTimestamps = "signed_log_timestamps";
inline constexpr const char* kSigners = "signed_log_signers";

const std::vector<store::TableSchema>& Schemas();

struct StoredLeaf {
  int64_t leaf_index = 0;
  std::string key;   // what the leaf is looked up by (an X-Road-Id, a personal code, …)
  std::string leaf;  // the Merkle leaf data, opaque here
};

struct StoredHead {
  SignedTreeHead head;
  std::string signer;  // hex SHA-256 of the signing certificate (DER), a key of kSigners
};

struct StoredTimestamp {
  int64_t tree_size = 0;
  std::string token;  // DER TimeStampToken
};

store::Row LeafRow(const std::string& log_id, const StoredLeaf& leaf);
store::Row HeadRow(const StoredHead& head);
store::Row TimestampRow(const std::string& log_id, const StoredTimestamp& timestamp);
store::Row SignerRow(const std::string& fingerprint, const std::vector<std::string>& chain_pem);

// Calls `fn` for every leaf with leaf_index >= from (every head with tree_size >=
// from, every timestamp with tree_size >= from), in order, reading pages of rows. Stops
// at the first error, from the store or from `fn`.
Status ForEachLeaf(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredLeaf)>& fn);
Status ForEachHead(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredHead)>& fn);
Status ForEachTimestamp(store::Store& store, const std::string& log_id, int64_t from,
                        const std::function<Status(StoredTimestamp)>& fn);

// Up to `limit` heads with tree_size >= from, in order.
Result<std::vector<StoredHead>> HeadsFrom(store::Store& store, const std::string& log_id, int64_t from, int64_t limit);

// The leaves stored under `key`, in leaf order (at most `limit`; ResourceExhausted beyond).
Result<std::vector<StoredLeaf>> LeavesWithKey(store::Store& store, const std::string& log_id, const std::string& key,
                                              size_t limit);
// The first head (timestamp) with min_size <= tree_size <= max_size, if any.
Result<std::optional<StoredHead>> FirstHeadFrom(store::Store& store, const std::string& log_id, int64_t min_size,
                                                int64_t max_size);
Result<std::optional<StoredTimestamp>> FirstTimestampFrom(store::Store& store, const std::string& log_id,
                                                          int64_t min_size, int64_t max_size);
Result<std::optional<StoredHead>> LastHead(store::Store& store, const std::string& log_id);
// The largest tree size with a stored timestamp, 0 if none.
Result<int64_t> LastTimestampedSize(store::Store& store, const std::string& log_id);
// The signer's certificate chain (PEM, leaf first); NotFound if unknown.
Result<std::vector<std::string>> SignerChain(store::Store& store, const std::string& fingerprint);

}  // namespace riik::transparency::tables
