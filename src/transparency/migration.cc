// Moving legacy message_log_* rows into the signed log's tables.
#include "transparency/migration.h"

#include <string>
#include <vector>

#include "transparency/tables.h"

namespace riik::transparency {
namespace {

constexpr int64_t kPageRows = 1000;

struct LegacyTable {
  const char* name;
  const char* current;
  std::vector<std::string> primary_key;
};

const std::vector<LegacyTable>& LegacyTables() {
  static const std::vector<LegacyTable> tables = {
      {"message_log_signers", tables::kSigners, {"fingerprint"}},
      {"message_log_records", tables::kLeaves, {"log_id", "leaf_index"}},
      {"message_log_heads", tables::kHeads, {"log_id", "tree_size"}},
      {"message_log_timestamps", tables::kTimestamps, {"log_id", "tree_size"}},
  };
  return tables;
}

std::string OrderBy(const LegacyTable& t) {
  std::string out;
  for (const std::string& c : t.primary_key) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// The legacy row as a row of the current table: only the records' key column is renamed.
store::Row CurrentRow(const LegacyTable& t, store::Row row) {
  if (std::string(t.current) == tables::kLeaves) {
    auto it = row.find("xroad_id");
    if (it != row.end()) {
      row.emplace("leaf_key", std::move(it->second));
      row.erase(it);
    }
  }
  return row;
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
      RETURN_IF_ERROR(txn.Put(t.current, CurrentRow(t, std::move(row))));
      ++moved;
    }
    return OkStatus();
  });
  if (!written.ok()) return written.status().WithContext(std::string("migrating ") + t.name);
  return moved;
}

Result<bool> HasRows(store::Store& store, const LegacyTable& t) {
  if (!store.Schema(t.name).ok()) return false;
  ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                   store.Query(std::string("SELECT 1 AS one FROM ") + t.name + " LIMIT 1"));
  return !rows.empty();
}

}  // namespace

Status MigrateLegacyTables(store::Store& store) {
  for (const LegacyTable& t : LegacyTables()) {
    ASSIGN_OR_RETURN(bool pending, HasRows(store, t));
    while (pending) {
      ASSIGN_OR_RETURN(int64_t moved, MovePage(store, t));
      pending = moved == kPageRows;
    }
  }
  return OkStatus();
}

Status RequireMigrated(store::Store& store) {
  for (const LegacyTable& t : LegacyTables()) {
    ASSIGN_OR_RETURN(bool pending, HasRows(store, t));
    if (pending) {
      return FailedPrecondition(std::string("this store's signed logs are still in the format before 2026-12 (table ") +
                                t.name +
                                "): start the node that owns the store once, which migrates them, then try again");
    }
  }
  return OkStatus();
}

}  // namespace riik::transparency
