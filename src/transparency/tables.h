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

// One row per sealed batch: its leaves with their keys (leaf_batch.h).
inline constexpr const char* kBatches = "signed_log_batches";
// One row per leaf: its key and index, for finding a key's leaves.
inline constexpr const char* kKeys = "signed_log_keys";
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

// The batch's row: `first_index` is its first leaf's index, `leaves` its text (leaf_batch.h).
store::Row BatchRow(const std::string& log_id, int64_t first_index, int64_t leaf_count, std::string leaves);
store::Row KeyRow(const std::string& log_id, const std::string& key, int64_t leaf_index);
store::Row HeadRow(const StoredHead& head);
store::Row TimestampRow(const std::string& log_id, const StoredTimestamp& timestamp);
store::Row SignerRow(const std::string& fingerprint, const std::vector<std::string>& chain_pem);

// No upper bound on the rows read.
inline constexpr int64_t kUnbounded = INT64_MAX;

// Calls `fn` for every stored leaf with index < end, in order (every head with tree_size
// >= from, every timestamp with from <= tree_size <= last), reading pages of rows. Stops at the
// first error, from the store or from `fn`; a batch whose text does not decode is
// DataLoss naming it.
Status ForEachLeaf(store::Store& store, const std::string& log_id, int64_t end,
                   const std::function<Status(StoredLeaf)>& fn);
Status ForEachHead(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredHead)>& fn);
Status ForEachTimestamp(store::Store& store, const std::string& log_id, int64_t from, int64_t last,
                        const std::function<Status(StoredTimestamp)>& fn);

// Up to `limit` heads with tree_size >= from, in order.
Result<std::vector<StoredHead>> HeadsFrom(store::Store& store, const std::string& log_id, int64_t from, int64_t limit);

// The leaves stored under `key`, found through the key index, in leaf order (at most
// `limit`; ResourceExhausted beyond). DataLoss if the index names a leaf that is not
// stored, or one stored under another key.
Result<std::vector<StoredLeaf>> LeavesWithKey(store::Store& store, const std::string& log_id, const std::string& key,
                                              size_t limit);
// The first head (timestamp) with min_size <= tree_size <= max_size, if any.
Result<std::optional<StoredHead>> FirstHeadFrom(store::Store& store, const std::string& log_id, int64_t min_size,
                                                int64_t max_size);
Result<std::optional<StoredTimestamp>> FirstTimestampFrom(store::Store& store, const std::string& log_id,
                                                          int64_t min_size, int64_t max_size);
Result<std::optional<StoredHead>> LastHead(store::Store& store, const std::string& log_id);
// The number of leaves stored: the end of the last batch, 0 if none; DataLoss if that
// batch's row is not one a log writes (no leaves, a negative index).
Result<int64_t> StoredLeafCount(store::Store& store, const std::string& log_id);
// The key index must hold exactly one row per leaf, under the leaf's own key: DataLoss
// unless `leaf` is indexed so, and unless the log has `leaf_count` index rows for the
// leaves before `leaf_count` (rows of later leaves are not counted: see LastIndexedLeaf).
Status CheckKeyIndexed(store::Store& store, const std::string& log_id, const StoredLeaf& leaf);
Status CheckKeyIndexSize(store::Store& store, const std::string& log_id, int64_t leaf_count);
// The largest leaf index the key index names, -1 if none.
Result<int64_t> LastIndexedLeaf(store::Store& store, const std::string& log_id);
// The largest tree size with a stored timestamp, 0 if none.
Result<int64_t> LastTimestampedSize(store::Store& store, const std::string& log_id);
// The signer's certificate chain (PEM, leaf first); NotFound if unknown.
Result<std::vector<std::string>> SignerChain(store::Store& store, const std::string& fingerprint);

}  // namespace riik::transparency::tables
