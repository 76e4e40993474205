// The SQL engine behind a Store. Store owns the journal and schema logic; a Backend
// only runs SQL. Statements use `?` placeholders; backends translate as needed.
// Not thread-safe: Store serialises all calls.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
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

  // Starts a write transaction that excludes other writers (also in other processes)
  // and runs `then_query` (no parameters) in it: one round trip where the engine allows.
  virtual Result<QueryResult> BeginWrite(std::string_view then_query) = 0;
  virtual Status Commit() = 0;
  // Runs one statement and commits: one round trip where the engine allows.
  virtual Status ExecAndCommit(std::string_view sql, std::span<const Value> params) = 0;
  virtual Status Rollback() = 0;

  virtual Status Exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  virtual Result<QueryResult> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Whether `sql` only reads (the Store's public Query path accepts nothing else).
  virtual Result<bool> IsReadOnly(std::string_view sql) = 0;
  // Whether a table exists.
  virtual Result<bool> TableExists(std::string_view table) = 0;
};

// Opens SQLite at `path` (":memory:" for a private in-memory database): WAL,
// synchronous=FULL, so an acknowledged commit survives a crash.
Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& path);
// Opens PostgreSQL with a libpq connection string or URI.
Result<std::unique_ptr<Backend>> OpenPostgres(const std::string& conninfo);

}  // namespace riik::store::impl
