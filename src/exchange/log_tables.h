// The message log's tables in the member's store (docs/formats/evidence.md, "Storage"),
// the rows the log writes, and the reads the log, its verification and evidence export
// share. Internal to src/exchange.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "exchange/tree_head.h"
#include "store/store.h"

namespace riik::exchange::log_tables {

inline constexpr const char* kRecords = "message_log_records";
inline constexpr const char* kHeads = "message_log_heads";
inline constexpr const char* kTimestamps = "message_log_timestamps";
inline constexpr const char* kSigners = "message_log_signers";

const std::vector<store::TableSchema>& Schemas();

struct StoredRecord {
  int64_t leaf_index = 0;
  std::string xroad_id;
  std::string leaf;  // the record's canonical JSON, the Merkle leaf data
};

struct StoredHead {
  SignedTreeHead head;
  std::string signer;  // hex SHA-256 of the signing certificate (DER), a key of kSigners
};

struct StoredTimestamp {
  int64_t tree_size = 0;
  std::string token;  // DER TimeStampToken
};

store::Row RecordRow(const std::string& log_id, const StoredRecord& record);
store::Row HeadRow(const StoredHead& head);
store::Row TimestampRow(const std::string& log_id, const StoredTimestamp& timestamp);
store::Row SignerRow(const std::string& fingerprint, const std::vector<std::string>& chain_pem);

// Calls `fn` for every record with leaf_index >= from (every head with tree_size >=
// from, every timestamp with tree_size >= from), in order, reading pages of rows. Stops
// at the first error, from the store or from `fn`.
Status ForEachRecord(store::Store& store, const std::string& log_id, int64_t from,
                     const std::function<Status(StoredRecord)>& fn);
Status ForEachHead(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredHead)>& fn);
Status ForEachTimestamp(store::Store& store, const std::string& log_id, int64_t from,
                        const std::function<Status(StoredTimestamp)>& fn);

// Up to `limit` heads with tree_size >= from, in order.
Result<std::vector<StoredHead>> HeadsFrom(store::Store& store, const std::string& log_id, int64_t from, int64_t limit);

// The records with this X-Road-Id, in leaf order (at most `limit`; ResourceExhausted beyond).
Result<std::vector<StoredRecord>> RecordsWithXRoadId(store::Store& store, const std::string& log_id,
                                                     const std::string& xroad_id, size_t limit);
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

}  // namespace riik::exchange::log_tables
