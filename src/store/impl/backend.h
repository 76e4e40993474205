// The SQL engine behind a Store. Store owns the journal and schema logic; a Backend
// only runs SQL. Statements use `?` placeholders; backends translate as needed.
// Not thread-safe: Store serialises all calls.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sqlite_tuning.h"
#include "store/value.h"

namespace riik::store::impl {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Kind() const = 0;
  // SQL type for a column type.
  virtual std::string_view TypeName(ColumnType t) const = 0;

  // Makes this connection the store's only writer for as long as it lives, across
  // processes: FailedPrecondition if another holds it (after retrying for `wait`).
  virtual Status LockOwnership(std::string_view key, std::chrono::milliseconds wait) = 0;

  // Starts a write transaction. Engines may defer statements until the next Query or
  // Commit (PostgreSQL pipelines them), so an Exec error can surface there instead.
  virtual Status BeginWrite() = 0;
  // Starts a read-only transaction that sees one consistent snapshot.
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Sends any deferred statements and returns the first error among them since the
  // last Sync (then forgets it). Engines that do not defer return OK.
  virtual Status Sync() = 0;

  virtual Status Exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  virtual Result<QueryResult> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // The same, a row at a time, for results too large to hold: `row` gets each row's
  // values (in a buffer reused between rows) and may stop the query by failing.
  // Engines that cannot stream (the default) run Query and hand its rows over.
  using RowFn = std::function<Status(std::span<Value>)>;
  virtual Status QueryEach(std::string_view sql, std::span<const Value> params, const RowFn& row) {
    ASSIGN_OR_RETURN(QueryResult r, Query(sql, params));
    for (auto& values : r.rows) RETURN_IF_ERROR(row(values));
    return OkStatus();
  }
  // Whether `sql` is a single statement that only reads and returns rows. Checked on
  // every query a caller of Store passes in; PostgreSQL can only judge the text here,
  // so outside a write transaction it also runs reads in a READ ONLY transaction.
  virtual Result<bool> IsReadOnly(std::string_view sql) = 0;
  // Runs a caller's read outside any write transaction, refusing anything else with
  // PermissionDenied.
  virtual Result<QueryResult> QueryReadOnly(std::string_view sql, std::span<const Value> params) = 0;
  // Whether a table exists.
  virtual Result<bool> TableExists(std::string_view table) = 0;
  // SQLite's page cache and checkpoints from now on, checked by the Store
  // (CheckSqliteTuning); other engines have their own settings and ignore it.
  virtual Status Tune(const SqliteTuning&) { return OkStatus(); }
};

// Opens SQLite at `path` (":memory:" for a private in-memory database): WAL,
// synchronous=FULL, so an acknowledged commit survives a crash.
Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& path, const SqliteTuning& tuning);
// Opens PostgreSQL with a libpq connection string or URI.
Result<std::unique_ptr<Backend>> OpenPostgres(const std::string& conninfo);

}  // namespace riik::store::impl
