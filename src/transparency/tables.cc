// A signed log's tables and the reads shared by the log, its verification and exports.
#include "transparency/tables.h"

#include <nlohmann/json.hpp>

#include "transparency/leaf_batch.h"

namespace riik::transparency::tables {
namespace {

using store::Blob;
using store::ColumnType;
using store::Row;
using store::Value;

constexpr int64_t kPageRows = 4096;
// Batches read per query: a batch holds up to max_batch leaves, so a page of batches is
// kept small enough to hold in memory.
constexpr int64_t kPageBatches = 32;
constexpr const char* kHeadColumns = "log_id, tree_size, root, time_us, signature, signer";

Result<const Value*> Column(const Row& row, const std::string& name) {
  auto it = row.find(name);
  if (it == row.end()) return DataLoss("stored signed log row has no column " + name);
  return &it->second;
}

Result<int64_t> IntColumn(const Row& row, const std::string& name) {
  ASSIGN_OR_RETURN(const Value* v, Column(row, name));
  if (const auto* i = std::get_if<int64_t>(v)) return *i;
  return DataLoss("stored signed log column " + name + " is not an integer");
}

// Text and blob columns: engines may hand either back, so both are accepted.
Result<std::string> BytesColumn(const Row& row, const std::string& name) {
  ASSIGN_OR_RETURN(const Value* v, Column(row, name));
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* b = std::get_if<Blob>(v)) return b->bytes;
  return DataLoss("stored signed log column " + name + " is not text");
}

Result<ledger::Hash> HashColumn(const Row& row, const std::string& name) {
  ASSIGN_OR_RETURN(std::string bytes, BytesColumn(row, name));
  if (bytes.size() != kSha256Size) return DataLoss("stored signed log column " + name + " is not a SHA-256 hash");
  ledger::Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// A batch row: its first leaf's index and its leaves.
struct StoredBatch {
  int64_t first_index = 0;
  std::vector<KeyedLeaf> leaves;
};

Result<StoredBatch> BatchFromRow(const Row& row) {
  StoredBatch b;
  ASSIGN_OR_RETURN(b.first_index, IntColumn(row, "first_index"));
  ASSIGN_OR_RETURN(int64_t count, IntColumn(row, "leaf_count"));
  ASSIGN_OR_RETURN(std::string text, BytesColumn(row, "leaves"));
  const std::string what = "the stored batch of leaves from " + std::to_string(b.first_index);
  if (b.first_index < 0) return DataLoss(what + " has a negative index");
  if (count < 1) return DataLoss(what + " holds no leaves");
  Result<std::vector<KeyedLeaf>> leaves = DecodeLeafBatch(text, static_cast<size_t>(count));
  if (!leaves.ok()) return leaves.status().WithContext(what);
  b.leaves = std::move(*leaves);
  return b;
}

Result<StoredHead> HeadFromRow(const Row& row) {
  StoredHead h;
  ASSIGN_OR_RETURN(h.head.log_id, BytesColumn(row, "log_id"));
  ASSIGN_OR_RETURN(h.head.tree_size, IntColumn(row, "tree_size"));
  ASSIGN_OR_RETURN(h.head.root, HashColumn(row, "root"));
  ASSIGN_OR_RETURN(h.head.time_us, IntColumn(row, "time_us"));
  ASSIGN_OR_RETURN(h.head.signature, BytesColumn(row, "signature"));
  ASSIGN_OR_RETURN(h.signer, BytesColumn(row, "signer"));
  return h;
}

Result<StoredTimestamp> TimestampFromRow(const Row& row) {
  StoredTimestamp t;
  ASSIGN_OR_RETURN(t.tree_size, IntColumn(row, "tree_size"));
  ASSIGN_OR_RETURN(t.token, BytesColumn(row, "token"));
  return t;
}

// Reads rows of `table` in order of `key`, from <= key <= last, a page at a time.
template <typename T>
Status ForEachRow(store::Store& store, const std::string& columns, const std::string& table, const std::string& key,
                  const std::string& log_id, int64_t from, int64_t last, int64_t page, Result<T> (*decode)(const Row&),
                  const std::function<Status(T)>& fn) {
  const std::string sql = "SELECT " + columns + " FROM " + table + " WHERE log_id = ? AND " + key + " >= ? AND " + key +
                          " <= ? ORDER BY " + key + " LIMIT ?";
  while (from <= last) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(sql, {log_id, from, last, page}));
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(T item, decode(row));
      ASSIGN_OR_RETURN(int64_t k, IntColumn(row, key));
      RETURN_IF_ERROR(fn(std::move(item)));
      if (k == last) return OkStatus();  // and k + 1 would overflow at kUnbounded
      from = k + 1;
    }
    if (static_cast<int64_t>(rows.size()) < page) return OkStatus();
  }
  return OkStatus();
}

}  // namespace

const std::vector<store::TableSchema>& Schemas() {
  static const std::vector<store::TableSchema> schemas = {
      {kBatches,
       {{"log_id", ColumnType::kText},
        {"first_index", ColumnType::kInt},
        {"leaf_count", ColumnType::kInt},
        {"leaves", ColumnType::kText}},
       {"log_id", "first_index"},
       {}},
      {kKeys,
       {{"log_id", ColumnType::kText}, {"leaf_key", ColumnType::kText}, {"leaf_index", ColumnType::kInt}},
       {"log_id", "leaf_key", "leaf_index"},
       {}},
      {kHeads,
       {{"log_id", ColumnType::kText},
        {"tree_size", ColumnType::kInt},
        {"root", ColumnType::kBlob},
        {"time_us", ColumnType::kInt},
        {"signature", ColumnType::kBlob},
        {"signer", ColumnType::kText}},
       {"log_id", "tree_size"},
       {}},
      {kTimestamps,
       {{"log_id", ColumnType::kText}, {"tree_size", ColumnType::kInt}, {"token", ColumnType::kBlob}},
       {"log_id", "tree_size"},
       {}},
      {kSigners, {{"fingerprint", ColumnType::kText}, {"chain", ColumnType::kText}}, {"fingerprint"}, {}},
  };
  return schemas;
}

Row BatchRow(const std::string& log_id, int64_t first_index, int64_t leaf_count, std::string leaves) {
  return {{"log_id", log_id}, {"first_index", first_index}, {"leaf_count", leaf_count}, {"leaves", std::move(leaves)}};
}

Row KeyRow(const std::string& log_id, const std::string& key, int64_t leaf_index) {
  return {{"log_id", log_id}, {"leaf_key", key}, {"leaf_index", leaf_index}};
}

Row HeadRow(const StoredHead& h) {
  return {{"log_id", h.head.log_id},   {"tree_size", h.head.tree_size},       {"root", Blob{DigestBytes(h.head.root)}},
          {"time_us", h.head.time_us}, {"signature", Blob{h.head.signature}}, {"signer", h.signer}};
}

Row TimestampRow(const std::string& log_id, const StoredTimestamp& t) {
  return {{"log_id", log_id}, {"tree_size", t.tree_size}, {"token", Blob{t.token}}};
}

Row SignerRow(const std::string& fingerprint, const std::vector<std::string>& chain_pem) {
  return {{"fingerprint", fingerprint}, {"chain", Json(chain_pem).dump()}};
}

Status ForEachLeaf(store::Store& store, const std::string& log_id, int64_t end,
                   const std::function<Status(StoredLeaf)>& fn) {
  const int64_t last_first_index = end == kUnbounded ? kUnbounded : end - 1;
  return ForEachRow<StoredBatch>(store, "first_index, leaf_count, leaves", kBatches, "first_index", log_id, 0,
                                 last_first_index, kPageBatches, BatchFromRow, [&](StoredBatch batch) -> Status {
                                   for (size_t i = 0; i < batch.leaves.size(); ++i) {
                                     const int64_t index = batch.first_index + static_cast<int64_t>(i);
                                     if (index >= end) break;
                                     KeyedLeaf& l = batch.leaves[i];
                                     RETURN_IF_ERROR(fn(StoredLeaf{index, std::move(l.key), std::move(l.leaf)}));
                                   }
                                   return OkStatus();
                                 });
}

Status ForEachHead(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredHead)>& fn) {
  return ForEachRow<StoredHead>(store, kHeadColumns, kHeads, "tree_size", log_id, from, kUnbounded, kPageRows,
                                HeadFromRow, fn);
}

Status ForEachTimestamp(store::Store& store, const std::string& log_id, int64_t from, int64_t last,
                        const std::function<Status(StoredTimestamp)>& fn) {
  return ForEachRow<StoredTimestamp>(store, "tree_size, token", kTimestamps, "tree_size", log_id, from, last, kPageRows,
                                     TimestampFromRow, fn);
}

Result<int64_t> StoredLeafCount(store::Store& store, const std::string& log_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(std::string("SELECT first_index, leaf_count FROM ") + kBatches +
                                                          " WHERE log_id = ? ORDER BY first_index DESC LIMIT 1",
                                                      {log_id}));
  if (rows.empty()) return int64_t{0};
  ASSIGN_OR_RETURN(int64_t first, IntColumn(rows[0], "first_index"));
  ASSIGN_OR_RETURN(int64_t count, IntColumn(rows[0], "leaf_count"));
  // Checked here too, as BatchFromRow does: this row bounds what is read.
  const std::string what = "the stored batch of leaves from " + std::to_string(first);
  if (first < 0) return DataLoss(what + " has a negative index");
  if (count < 1) return DataLoss(what + " holds no leaves");
  if (count > kUnbounded - first) return DataLoss(what + " claims more leaves than a log can hold");
  return first + count;
}

Result<std::vector<StoredHead>> HeadsFrom(store::Store& store, const std::string& log_id, int64_t from, int64_t limit) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   store.Query(std::string("SELECT ") + kHeadColumns + " FROM " + kHeads +
                                   " WHERE log_id = ? AND tree_size >= ? ORDER BY tree_size LIMIT ?",
                               {log_id, from, limit}));
  std::vector<StoredHead> out;
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(StoredHead h, HeadFromRow(row));
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<StoredLeaf>> LeavesWithKey(store::Store& store, const std::string& log_id, const std::string& key,
                                              size_t limit) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   store.Query(std::string("SELECT leaf_index FROM ") + kKeys +
                                   " WHERE log_id = ? AND leaf_key = ? ORDER BY leaf_index LIMIT ?",
                               {log_id, key, static_cast<int64_t>(limit) + 1}));
  if (rows.size() > limit) {
    return ResourceExhausted("more than " + std::to_string(limit) + " leaves of log " + log_id +
                             " are stored under the same key");
  }
  std::vector<StoredLeaf> out;
  std::optional<StoredBatch> batch;  // the last batch read: a key's leaves are often close together
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(int64_t index, IntColumn(row, "leaf_index"));
    const std::string where = "signed log " + log_id + ": the key index names leaf " + std::to_string(index);
    auto holds = [&] {
      return batch && index >= batch->first_index &&
             index - batch->first_index < static_cast<int64_t>(batch->leaves.size());
    };
    if (!holds()) {
      ASSIGN_OR_RETURN(std::vector<Row> found,
                       store.Query(std::string("SELECT first_index, leaf_count, leaves FROM ") + kBatches +
                                       " WHERE log_id = ? AND first_index <= ? ORDER BY first_index DESC LIMIT 1",
                                   {log_id, index}));
      batch.reset();
      if (!found.empty()) {
        ASSIGN_OR_RETURN(StoredBatch b, BatchFromRow(found[0]));
        batch = std::move(b);
      }
      if (!holds()) return DataLoss(where + ", which is not stored");
    }
    const KeyedLeaf& leaf = batch->leaves[static_cast<size_t>(index - batch->first_index)];
    if (leaf.key != key) return DataLoss(where + " under a key it is not stored under");
    out.push_back(StoredLeaf{index, leaf.key, leaf.leaf});
  }
  return out;
}

Status CheckKeyIndexed(store::Store& store, const std::string& log_id, const StoredLeaf& leaf) {
  ASSIGN_OR_RETURN(std::optional<Row> row, store.Get(kKeys, KeyRow(log_id, leaf.key, leaf.leaf_index)));
  if (!row) return DataLoss("leaf " + std::to_string(leaf.leaf_index) + " is missing from the key index");
  return OkStatus();
}

Status CheckKeyIndexSize(store::Store& store, const std::string& log_id, int64_t leaf_count) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(std::string("SELECT COUNT(*) AS n FROM ") + kKeys +
                                                          " WHERE log_id = ? AND leaf_index < ?",
                                                      {log_id, leaf_count}));
  ASSIGN_OR_RETURN(int64_t n, rows.empty() ? Result<int64_t>(int64_t{0}) : IntColumn(rows[0], "n"));
  if (n != leaf_count) {
    return DataLoss("the key index holds " + std::to_string(n) + " rows for " + std::to_string(leaf_count) +
                    " leaves: it names leaves under keys they are not stored under");
  }
  return OkStatus();
}

// The key index is keyed by (log, key, leaf): this reads all of the log's rows, once per
// verification, which reads every leaf anyway.
Result<int64_t> LastIndexedLeaf(store::Store& store, const std::string& log_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(std::string("SELECT leaf_index FROM ") + kKeys +
                                                          " WHERE log_id = ? ORDER BY leaf_index DESC LIMIT 1",
                                                      {log_id}));
  if (rows.empty()) return int64_t{-1};
  return IntColumn(rows[0], "leaf_index");
}

Result<std::optional<StoredHead>> FirstHeadFrom(store::Store& store, const std::string& log_id, int64_t min_size,
                                                int64_t max_size) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   store.Query(std::string("SELECT ") + kHeadColumns + " FROM " + kHeads +
                                   " WHERE log_id = ? AND tree_size >= ? AND tree_size <= ? ORDER BY tree_size LIMIT 1",
                               {log_id, min_size, max_size}));
  if (rows.empty()) return std::optional<StoredHead>();
  ASSIGN_OR_RETURN(StoredHead h, HeadFromRow(rows[0]));
  return std::optional<StoredHead>(std::move(h));
}

Result<std::optional<StoredTimestamp>> FirstTimestampFrom(store::Store& store, const std::string& log_id,
                                                          int64_t min_size, int64_t max_size) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   store.Query(std::string("SELECT tree_size, token FROM ") + kTimestamps +
                                   " WHERE log_id = ? AND tree_size >= ? AND tree_size <= ? ORDER BY tree_size LIMIT 1",
                               {log_id, min_size, max_size}));
  if (rows.empty()) return std::optional<StoredTimestamp>();
  ASSIGN_OR_RETURN(StoredTimestamp t, TimestampFromRow(rows[0]));
  return std::optional<StoredTimestamp>(std::move(t));
}

Result<std::optional<StoredHead>> LastHead(store::Store& store, const std::string& log_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(std::string("SELECT ") + kHeadColumns + " FROM " + kHeads +
                                                          " WHERE log_id = ? ORDER BY tree_size DESC LIMIT 1",
                                                      {log_id}));
  if (rows.empty()) return std::optional<StoredHead>();
  ASSIGN_OR_RETURN(StoredHead h, HeadFromRow(rows[0]));
  return std::optional<StoredHead>(std::move(h));
}

Result<int64_t> LastTimestampedSize(store::Store& store, const std::string& log_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(std::string("SELECT tree_size FROM ") + kTimestamps +
                                                          " WHERE log_id = ? ORDER BY tree_size DESC LIMIT 1",
                                                      {log_id}));
  if (rows.empty()) return int64_t{0};
  return IntColumn(rows[0], "tree_size");
}

Result<std::vector<std::string>> SignerChain(store::Store& store, const std::string& fingerprint) {
  ASSIGN_OR_RETURN(std::optional<Row> row, store.Get(kSigners, {{"fingerprint", fingerprint}}));
  if (!row) return NotFound("no signer certificate with fingerprint " + fingerprint + " in the signed log");
  ASSIGN_OR_RETURN(std::string text, BytesColumn(*row, "chain"));
  ASSIGN_OR_RETURN(Json chain, ParseJson(text));
  if (!chain.is_array()) return DataLoss("stored signer chain " + fingerprint + " is not a JSON array");
  std::vector<std::string> pems;
  for (const Json& pem : chain) {
    if (!pem.is_string()) return DataLoss("stored signer chain " + fingerprint + " holds a non-string");
    pems.push_back(pem.get<std::string>());
  }
  return pems;
}

}  // namespace riik::transparency::tables
