// SQLite backend: one connection, prepared statements cached by SQL text.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "store/impl/backend.h"

namespace riik::store::impl {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(DbPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  ~SqliteBackend() override {
    cache_.clear();
    db_.reset();
    if (owner_fd_ >= 0) close(owner_fd_);  // releases the flock, after the database is closed
  }

  std::string_view Kind() const override { return "sqlite"; }
  std::string_view TypeName(ColumnType t) const override {
    switch (t) {
      case ColumnType::kInt:
        return "INTEGER";
      case ColumnType::kText:
        return "TEXT";
      case ColumnType::kBlob:
        return "BLOB";
    }
    return "BLOB";
  }

  Status LockOwnership(std::string_view key, std::chrono::milliseconds wait) override {
    if (path_ == ":memory:" || path_.empty()) return OkStatus();
    std::string lock_path = path_ + ".owner";
    int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Unavailable("cannot open " + lock_path + ": " + std::strerror(errno));
    owner_fd_ = fd;
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return FailedPrecondition("store " + std::string(key) + " (" + path_ +
                                  ") is open for writing in another process; stop it first, or open read-only");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return OkStatus();
  }

  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  Status BeginRead() override {
    RETURN_IF_ERROR(Exec("BEGIN"));
    // The snapshot starts at the first read.
    Status st = Query("SELECT 1 FROM riik_meta LIMIT 1").status();
    if (!st.ok()) (void)Exec("ROLLBACK");
    return st;
  }
  Status Commit() override { return Exec("COMMIT"); }
  Status Sync() override { return OkStatus(); }
  Status Rollback() override { return Exec("ROLLBACK"); }

  Status Exec(std::string_view sql, std::span<const Value> params = {}) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Error(rc, sql);
    return OkStatus();
  }

  Result<QueryResult> Query(std::string_view sql, std::span<const Value> params = {}) override {
    QueryResult out;
    RETURN_IF_ERROR(Step(sql, params, &out.columns, [&](std::span<Value> row) {
      out.rows.emplace_back(std::make_move_iterator(row.begin()), std::make_move_iterator(row.end()));
      return OkStatus();
    }));
    return out;
  }

  Status QueryEach(std::string_view sql, std::span<const Value> params, const RowFn& row) override {
    return Step(sql, params, nullptr, row);
  }

  Result<bool> IsReadOnly(std::string_view sql) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, {}, /*bind=*/false));
    // BEGIN, COMMIT, SAVEPOINT and ATTACH count as read-only to SQLite but return no
    // columns; a query returns at least one.
    return sqlite3_stmt_readonly(stmt) != 0 && sqlite3_column_count(stmt) > 0;
  }

  Result<QueryResult> QueryReadOnly(std::string_view sql, std::span<const Value> params) override {
    ASSIGN_OR_RETURN(bool read_only, IsReadOnly(sql));
    if (!read_only) return PermissionDenied("only a single reading query is allowed here; write through Store::Write");
    return Query(sql, params);
  }

  // The page cache (taken as used, per connection) and checkpoints as the store asks.
  // Not through the statement cache: a PRAGMA takes effect when it is prepared, so a
  // cached one run again would change nothing.
  Status Tune(const SqliteTuning& tuning) override {
    const std::string cache = "PRAGMA cache_size=-" + std::to_string(tuning.cache_mib * 1024);
    char* error = nullptr;
    if (sqlite3_exec(db_.get(), cache.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "out of memory";
      sqlite3_free(error);
      return Internal("sqlite: " + message + " (" + cache + ")");
    }
    if (sqlite3_wal_autocheckpoint(db_.get(), tuning.checkpoint_pages) != SQLITE_OK) {
      return Internal("sqlite: " + std::string(sqlite3_errmsg(db_.get())) + " (setting the WAL checkpoint)");
    }
    // Fewer pages than before (a bulk load done): what the WAL holds is copied back now,
    // and the file cut, rather than in the next small commit. Busy only while a reader
    // holds an old snapshot; then the next checkpoint takes it.
    if (checkpoint_pages_ > tuning.checkpoint_pages) {
      int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Error(rc, "checkpoint after a bulk load");
    }
    checkpoint_pages_ = tuning.checkpoint_pages;
    return OkStatus();
  }

  Result<bool> TableExists(std::string_view table) override {
    Value name = std::string(table);
    ASSIGN_OR_RETURN(auto r, Query("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", {&name, 1}));
    return !r.rows.empty();
  }

 private:
  // Runs `sql`, handing each row to `row` in one reused buffer (strings keep their
  // capacity between rows); the column names go to `columns` if asked for.
  Status Step(std::string_view sql, std::span<const Value> params, std::vector<std::string>* columns,
              const RowFn& row) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int n = sqlite3_column_count(stmt);
    if (columns) {
      for (int i = 0; i < n; ++i) columns->emplace_back(sqlite3_column_name(stmt, i));
    }
    std::vector<Value> values(n);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < n; ++i) ReadColumn(stmt, i, values[i]);
      Status st = row(values);
      if (!st.ok()) {
        sqlite3_reset(stmt);
        return st;
      }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Error(rc, sql);
    return OkStatus();
  }

  static void AssignBytes(std::string& to, const void* p, int size) {
    if (size > 0)
      to.assign(static_cast<const char*>(p), static_cast<size_t>(size));
    else
      to.clear();
  }

  static void ReadColumn(sqlite3_stmt* stmt, int i, Value& v) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        v = static_cast<int64_t>(sqlite3_column_int64(stmt, i));
        break;
      case SQLITE_TEXT: {
        const unsigned char* p = sqlite3_column_text(stmt, i);
        if (!std::holds_alternative<std::string>(v)) v = std::string();
        AssignBytes(std::get<std::string>(v), p, sqlite3_column_bytes(stmt, i));
        break;
      }
      case SQLITE_BLOB: {
        const void* p = sqlite3_column_blob(stmt, i);
        if (!std::holds_alternative<Blob>(v)) v = Blob{};
        AssignBytes(std::get<Blob>(v).bytes, p, sqlite3_column_bytes(stmt, i));
        break;
      }
      case SQLITE_FLOAT:
        v = static_cast<int64_t>(sqlite3_column_double(stmt, i));
        break;
      default:
        v = std::monostate{};
    }
  }

  Status Error(int rc, std::string_view sql) {
    std::string msg = std::string(sqlite3_errmsg(db_.get()));
    Code code = Code::kInternal;
    if (rc == SQLITE_FULL) code = Code::kResourceExhausted;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) code = Code::kUnavailable;
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) code = Code::kDataLoss;
    if (rc == SQLITE_CONSTRAINT) code = Code::kAlreadyExists;
    return Status(code, "sqlite: " + msg + " (in: " + std::string(sql.substr(0, 120)) + ")");
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql, std::span<const Value> params, bool bind = true) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                                  &tail);
      if (rc != SQLITE_OK) return Error(rc, sql);
      StmtPtr owned(raw);
      std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
      if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
        return InvalidArgument("one SQL statement at a time (in: " + std::string(sql.substr(0, 120)) + ")");
      }
      raw = owned.release();
      it = cache_.emplace(std::string(sql), StmtPtr(raw)).first;
    }
    sqlite3_stmt* stmt = it->second.get();
    if (!bind) return stmt;
    sqlite3_clear_bindings(stmt);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) + " parameters, got " +
                      std::to_string(params.size()) + " (in: " + std::string(sql.substr(0, 120)) + ")");
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (auto* n = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(stmt, idx, *n);
      else if (auto* s = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      else if (auto* b = std::get_if<Blob>(&v))
        rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), b->bytes.size(), SQLITE_TRANSIENT);
      else
        rc = sqlite3_bind_null(stmt, idx);
      if (rc != SQLITE_OK) return Error(rc, sql);
    }
    return stmt;
  }

  DbPtr db_;
  std::string path_;
  int owner_fd_ = -1;
  int checkpoint_pages_ = 0;  // as tuned last (0: not yet)
  std::unordered_map<std::string, StmtPtr> cache_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& path, const SqliteTuning& tuning) {
  // Created 0600 before SQLite sees it, and an older file made private: SQLite gives the
  // -wal and -shm files the database's own mode. By path only: closing a descriptor of a
  // file this process has open through SQLite would drop SQLite's POSIX locks on it.
  if (path != ":memory:") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) return Unavailable("cannot open SQLite database " + path + ": " + std::strerror(errno));
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);  // new, so nobody had it open
      } else if (errno != EEXIST) {
        return Unavailable("cannot create SQLite database " + path + ": " + std::strerror(errno));
      }
    } else if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0) {
      return Unavailable("cannot make " + path + " private (0600): " + std::strerror(errno));
    }
    for (const char* suffix : {"-wal", "-shm"}) {
      std::string side = path + suffix;
      if (::stat(side.c_str(), &st) == 0 && (st.st_mode & 077) != 0) (void)::chmod(side.c_str(), 0600);
    }
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return Unavailable("cannot open SQLite database " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_extended_result_codes(db.get(), 0);
  sqlite3_busy_timeout(db.get(), 10000);
  auto backend = std::make_unique<SqliteBackend>(std::move(db), path);
  const std::string pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"};
  for (const std::string& p : pragmas) {
    auto r = backend->Query(p);
    if (!r.ok()) return r.status().WithContext("configuring " + path);
  }
  RETURN_IF_ERROR(backend->Tune(tuning).WithContext("configuring " + path));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace riik::store::impl
