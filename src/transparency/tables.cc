// A signed log's tables and the reads shared by the log, its verification and exports.
#include "transparency/tables.h"

#include <nlohmann/json.hpp>

namespace riik::transparency::tables {
namespace {

using store::Blob;
using store::ColumnType;
using store::Row;
using store::Value;

constexpr int64_t kPageRows = 4096;
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

Result<StoredLeaf> LeafFromRow(const Row& row) {
  StoredLeaf r;
  ASSIGN_OR_RETURN(r.leaf_index, IntColumn(row, "leaf_index"));
  ASSIGN_OR_RETURN(r.key, BytesColumn(row, "leaf_key"));
  ASSIGN_OR_RETURN(r.leaf, BytesColumn(row, "leaf"));
  return r;
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

// Reads rows of `table` in order of `key` from `from` on, a page at a time.
template <typename T>
Status ForEachRow(store::Store& store, const std::string& columns, const std::string& table, const std::string& key,
                  const std::string& log_id, int64_t from, Result<T> (*decode)(const Row&),
                  const std::function<Status(T)>& fn) {
  const std::string sql =
      "SELECT " + columns + " FROM " + table + " WHERE log_id = ? AND " + key + " >= ? ORDER BY " + key + " LIMIT ?";
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(sql, {log_id, from, kPageRows}));
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(T item, decode(row));
      ASSIGN_OR_RETURN(int64_t k, IntColumn(row, key));
      from = k + 1;
      RETURN_IF_ERROR(fn(std::move(item)));
    }
    if (static_cast<int64_t>(rows.size()) < kPageRows) return OkStatus();
  }
}

}  // namespace

const std::vector<store::TableSchema>& Schemas() {
  static const std::vector<store::TableSchema> schemas = {
      {kLeaves,
       {{"log_id", ColumnType::kText},
        {"leaf_index", ColumnType::kInt},
        {"leaf_key", ColumnType::kText},
        {"leaf", ColumnType::kText}},
       {"log_id", "leaf_index"},
       {{"log_id", "leaf_key"}}},
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

Row LeafRow(const std::string& log_id, const StoredLeaf& r) {
  return {{"log_id", log_id}, {"leaf_index", r.leaf_index}, {"leaf_key", r.key}, {"leaf", r.leaf}};
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

Status ForEachLeaf(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredLeaf)>& fn) {
  return ForEachRow<StoredLeaf>(store, "leaf_index, leaf_key, leaf", kLeaves, "leaf_index", log_id, from, LeafFromRow,
                                fn);
}

Status ForEachHead(store::Store& store, const std::string& log_id, int64_t from,
                   const std::function<Status(StoredHead)>& fn) {
  return ForEachRow<StoredHead>(store, kHeadColumns, kHeads, "tree_size", log_id, from, HeadFromRow, fn);
}

Status ForEachTimestamp(store::Store& store, const std::string& log_id, int64_t from,
                        const std::function<Status(StoredTimestamp)>& fn) {
  return ForEachRow<StoredTimestamp>(store, "tree_size, token", kTimestamps, "tree_size", log_id, from,
                                     TimestampFromRow, fn);
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
                   store.Query(std::string("SELECT leaf_index, leaf_key, leaf FROM ") + kLeaves +
                                   " WHERE log_id = ? AND leaf_key = ? ORDER BY leaf_index LIMIT ?",
                               {log_id, key, static_cast<int64_t>(limit) + 1}));
  if (rows.size() > limit) {
    return ResourceExhausted("more than " + std::to_string(limit) + " leaves of log " + log_id +
                             " are stored under the same key");
  }
  std::vector<StoredLeaf> out;
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(StoredLeaf r, LeafFromRow(row));
    out.push_back(std::move(r));
  }
  return out;
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
