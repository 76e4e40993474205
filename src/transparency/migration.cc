// Moving the rows of earlier formats into the signed log's tables.
#include "transparency/migration.h"

#include <string>
#include <vector>

#include "store/row_fields.h"
#include "transparency/leaf_batch.h"
#include "transparency/tables.h"

namespace riik::transparency {
namespace {

constexpr int64_t kPageRows = 1000;

struct LegacyTable {
  const char* name;
  const char* current;
  std::vector<std::string> primary_key;
};

// Tables whose rows move as they are; the leaves' tables are regrouped (LegacyLeafTables).
const std::vector<LegacyTable>& LegacyTables() {
  static const std::vector<LegacyTable> tables = {
      {"message_log_signers", tables::kSigners, {"fingerprint"}},
      {"message_log_heads", tables::kHeads, {"log_id", "tree_size"}},
      {"message_log_timestamps", tables::kTimestamps, {"log_id", "tree_size"}},
  };
  return tables;
}

// Tables of one row per leaf: the exchange's (until 2026-12-02, the key named xroad_id)
// and the signed log's first (2026-12-02, the key named leaf_key).
struct LegacyLeafTable {
  const char* name;
  const char* key_column;
};

const std::vector<LegacyLeafTable>& LegacyLeafTables() {
  static const std::vector<LegacyLeafTable> tables = {
      {"message_log_records", "xroad_id"},
      {"signed_log_leaves", "leaf_key"},
  };
  return tables;
}

std::string OrderBy(const LegacyTable& t) {
  std::string out;
  for (const std::string& c : t.primary_key) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// Moves one page; returns how many rows it moved.
Result<int64_t> MovePage(store::Store& store, const LegacyTable& t) {
  int64_t moved = 0;
  Result<store::JournalHead> written = store.Write([&](store::WriteTxn& txn) -> Status {
    ASSIGN_OR_RETURN(
        std::vector<store::Row> rows,
        txn.Query(std::string("SELECT * FROM ") + t.name + " ORDER BY " + OrderBy(t) + " LIMIT ?", {kPageRows}));
    for (store::Row& row : rows) {
      store::Row key;
      for (const std::string& c : t.primary_key) {
        auto it = row.find(c);
        if (it == row.end()) return DataLoss(std::string(t.name) + " has a row without " + c);
        key.emplace(c, it->second);
      }
      RETURN_IF_ERROR(txn.Delete(t.name, key));
      RETURN_IF_ERROR(txn.Put(t.current, row));
      ++moved;
    }
    return OkStatus();
  });
  if (!written.ok()) return written.status().WithContext(std::string("migrating ") + t.name);
  return moved;
}

// Moves one page of leaf rows, in order: each run of consecutive leaves of one log
// becomes one batch row, each leaf a row of the key index. Returns how many it moved.
Result<int64_t> MoveLeafPage(store::Store& store, const LegacyLeafTable& t) {
  int64_t moved = 0;
  Result<store::JournalHead> written = store.Write([&](store::WriteTxn& txn) -> Status {
    moved = 0;
    ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                     txn.Query(std::string("SELECT log_id, leaf_index, ") + t.key_column + " AS leaf_key, leaf FROM " +
                                   t.name + " ORDER BY log_id, leaf_index LIMIT ?",
                               {kPageRows}));
    std::string log_id, leaves;
    int64_t first = 0, count = 0;
    auto flush = [&]() -> Status {
      if (count == 0) return OkStatus();
      RETURN_IF_ERROR(txn.Put(tables::kBatches, tables::BatchRow(log_id, first, count, leaves)));
      leaves.clear();
      count = 0;
      return OkStatus();
    };
    for (const store::Row& row : rows) {
      std::optional<std::string> id = store::TextField(row, "log_id"), key = store::TextField(row, "leaf_key"),
                                 leaf = store::TextField(row, "leaf");
      std::optional<int64_t> index = store::IntField(row, "leaf_index");
      if (!id || !key || !leaf || !index) return DataLoss(std::string(t.name) + " has a row with a column missing");
      if (count > 0 && (*id != log_id || *index != first + count)) RETURN_IF_ERROR(flush());
      if (count == 0) {
        log_id = *id;
        first = *index;
      }
      AppendKeyedLeaf(leaves, *key, *leaf);
      ++count;
      RETURN_IF_ERROR(txn.Delete(t.name, {{"log_id", *id}, {"leaf_index", *index}}));
      RETURN_IF_ERROR(txn.Put(tables::kKeys, tables::KeyRow(*id, *key, *index)));
      ++moved;
    }
    return flush();
  });
  if (!written.ok()) return written.status().WithContext(std::string("migrating ") + t.name);
  return moved;
}

Result<bool> HasRows(store::Store& store, const std::string& table) {
  if (!store.Schema(table).ok()) return false;
  ASSIGN_OR_RETURN(std::vector<store::Row> rows, store.Query("SELECT 1 AS one FROM " + table + " LIMIT 1"));
  return !rows.empty();
}

// Every legacy table, the leaves' tables included.
std::vector<std::string> LegacyTableNames() {
  std::vector<std::string> names;
  for (const LegacyTable& t : LegacyTables()) names.push_back(t.name);
  for (const LegacyLeafTable& t : LegacyLeafTables()) names.push_back(t.name);
  return names;
}

}  // namespace

Status MigrateLegacyTables(store::Store& store) {
  for (const LegacyTable& t : LegacyTables()) {
    ASSIGN_OR_RETURN(bool pending, HasRows(store, t.name));
    while (pending) {
      ASSIGN_OR_RETURN(int64_t moved, MovePage(store, t));
      pending = moved == kPageRows;
    }
  }
  for (const LegacyLeafTable& t : LegacyLeafTables()) {
    ASSIGN_OR_RETURN(bool pending, HasRows(store, t.name));
    while (pending) {
      ASSIGN_OR_RETURN(int64_t moved, MoveLeafPage(store, t));
      pending = moved == kPageRows;
    }
  }
  return OkStatus();
}

Status RequireMigrated(store::Store& store) {
  for (const std::string& name : LegacyTableNames()) {
    ASSIGN_OR_RETURN(bool pending, HasRows(store, name));
    if (pending) {
      return FailedPrecondition("this store's signed logs are still in an earlier format (table " + name +
                                "): start the node that owns the store once, which migrates them, then try again");
    }
  }
  return OkStatus();
}

}  // namespace riik::transparency
