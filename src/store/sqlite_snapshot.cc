// SQLite snapshots: written through ATTACH, filled in with the journal on restore.
#include "store/sqlite_snapshot.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "core/encoding.h"

namespace riik::store {
namespace {

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db) sqlite3_close_v2(db);
  }
};

Status SqliteError(sqlite3* db, const std::string& doing) {
  return Internal("sqlite: " + std::string(db ? sqlite3_errmsg(db) : "out of memory") + " (" + doing + ")");
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "failed";
    sqlite3_free(error);
    return Internal("sqlite: " + message + " (in: " + sql.substr(0, 120) + ")");
  }
  return OkStatus();
}

Result<sqlite3*> OpenFile(const std::string& path, Db& holder, int flags) {
  int rc = sqlite3_open_v2(path.c_str(), &holder.db, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return Unavailable("cannot open " + path + ": " + sqlite3_errmsg(holder.db));
  sqlite3_busy_timeout(holder.db, 10000);
  return holder.db;
}

Status SyncFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    if (fd >= 0) close(fd);
    return Unavailable("cannot sync " + path);
  }
  close(fd);
  return OkStatus();
}

// The journal's newest row in `schema` (e.g. "live"), as a head and the entry's prev_hash.
Status ReadHeadRow(sqlite3* db, const std::string& schema, JournalHead& head, std::string* prev_hash) {
  std::string sql = "SELECT seq, hash, time_us, prev_hash FROM " + schema + ".riik_journal ORDER BY seq DESC LIMIT 1";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return SqliteError(db, sql);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    head.seq = sqlite3_column_int64(stmt, 0);
    auto blob = [&](int i) {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
    };
    head.hash = blob(1);
    head.time = sqlite3_column_int64(stmt, 2);
    if (prev_hash) *prev_hash = blob(3);
  }
  sqlite3_finalize(stmt);
  if (rc == SQLITE_DONE) return FailedPrecondition("the store's journal is empty: nothing to snapshot");
  if (rc != SQLITE_ROW) return SqliteError(db, sql);
  return OkStatus();
}

std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<JournalHead> WriteSqliteSnapshot(const std::string& store_path, const std::string& out_path) {
  std::error_code ec;
  if (std::filesystem::exists(out_path, ec)) return AlreadyExists(out_path + " exists; a snapshot is a new file");
  Db out;
  ASSIGN_OR_RETURN(sqlite3 * db, OpenFile(out_path, out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  auto written = [&]() -> Result<JournalHead> {
    // A new file, deleted if this fails: no rollback journal needed while it is written.
    RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=OFF"));
    RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=OFF"));
    std::string uri = "file:" + store_path + "?mode=ro";
    for (char c : std::string("%?#")) {
      if (store_path.find(c) != std::string::npos) return InvalidArgument("a store path with '%', '?' or '#'");
    }
    RETURN_IF_ERROR(Exec(db, "ATTACH DATABASE '" + uri + "' AS live"));
    // One read transaction on the live store: its tables and head as of one commit.
    RETURN_IF_ERROR(Exec(db, "BEGIN"));
    JournalHead head;
    RETURN_IF_ERROR(ReadHeadRow(db, "live", head, nullptr));
    // Tables first (then their rows, then the indexes: bulk copies, indexes built once).
    std::vector<std::string> tables, indexes;
    {
      sqlite3_stmt* stmt = nullptr;
      const char* sql =
          "SELECT type, name, sql FROM live.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY "
          "rowid";
      if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return SqliteError(db, sql);
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::string type = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
        std::string create = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
        if (type == "table") {
          RETURN_IF_ERROR(Exec(db, create));
          tables.push_back(name);
        } else if (type == "index") {
          indexes.push_back(create);
        }
      }
      sqlite3_finalize(stmt);
    }
    for (const std::string& create : indexes) RETURN_IF_ERROR(Exec(db, create));
    for (const std::string& table : tables) {
      std::string copy = "INSERT INTO main." + Quoted(table) + " SELECT * FROM live." + Quoted(table);
      if (table == "riik_journal") copy += " WHERE seq = " + std::to_string(head.seq);
      RETURN_IF_ERROR(Exec(db, copy));
    }
    RETURN_IF_ERROR(Exec(db, "COMMIT"));
    RETURN_IF_ERROR(Exec(db, "DETACH DATABASE live"));
    // A store file as Store::Open leaves them.
    RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL"));
    return head;
  };
  auto head = written();
  sqlite3_close_v2(out.db);
  out.db = nullptr;
  if (head.ok()) {
    Status synced = SyncFile(out_path);
    if (synced.ok()) return head;
    head = synced;
  }
  std::filesystem::remove(out_path, ec);
  return head.status().WithContext("snapshotting " + store_path);
}

Result<std::unique_ptr<SnapshotJournalFiller>> SnapshotJournalFiller::Open(const std::string& path) {
  std::unique_ptr<SnapshotJournalFiller> f(new SnapshotJournalFiller());
  f->path_ = path;
  Db holder;
  ASSIGN_OR_RETURN(sqlite3 * db, OpenFile(path, holder, SQLITE_OPEN_READWRITE));
  f->db_ = db;
  holder.db = nullptr;
  RETURN_IF_ERROR(ReadHeadRow(db, "main", f->head_, &f->head_prev_hash_));
  sqlite3_stmt* stmt = nullptr;
  std::string count_sql = "SELECT count(*) FROM riik_journal";
  if (sqlite3_prepare_v2(db, count_sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return SqliteError(db, count_sql);
  int64_t rows = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  if (rows != 1) return FailedPrecondition(path + " is not a snapshot: its journal holds more than its head");
  RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=OFF"));
  RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=OFF"));
  RETURN_IF_ERROR(Exec(db, "BEGIN"));
  return f;
}

SnapshotJournalFiller::~SnapshotJournalFiller() {
  if (db_) sqlite3_close_v2(db_);
}

Status SnapshotJournalFiller::Add(std::span<const JournalEntry> entries) {
  if (!db_) return FailedPrecondition("the snapshot's journal is finished");
  sqlite3_stmt* stmt = nullptr;
  const char* sql = "INSERT INTO riik_journal (seq, prev_hash, hash, time_us, node, changes) VALUES (?, ?, ?, ?, ?, ?)";
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) return SqliteError(db_, sql);
  struct Finalize {
    sqlite3_stmt* s;
    ~Finalize() { sqlite3_finalize(s); }
  } finalize{stmt};
  for (const JournalEntry& e : entries) {
    if (e.seq != next_seq_) {
      return DataLoss("the journal's entries reach the snapshot out of order: seq " + std::to_string(e.seq) +
                      " where " + std::to_string(next_seq_) + " was due");
    }
    const std::string expected_prev = next_seq_ == 1 ? std::string(32, '\0') : last_hash_;
    if (e.prev_hash != expected_prev) return DataLoss("journal entry " + std::to_string(e.seq) + " does not link");
    if (e.seq == head_.seq) {
      if (e.hash != head_.hash) {
        return DataLoss("the snapshot was taken at seq " + std::to_string(head_.seq) + " with entry hash " +
                        HexEncode(head_.hash) + ", but the journal's entry there is " + HexEncode(e.hash));
      }
    } else if (e.seq > head_.seq) {
      return InvalidArgument("entry " + std::to_string(e.seq) + " is after the snapshot's head; apply it to the store");
    } else {
      sqlite3_bind_int64(stmt, 1, e.seq);
      sqlite3_bind_blob64(stmt, 2, e.prev_hash.data(), e.prev_hash.size(), SQLITE_STATIC);
      sqlite3_bind_blob64(stmt, 3, e.hash.data(), e.hash.size(), SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 4, e.time);
      sqlite3_bind_text64(stmt, 5, e.node.data(), e.node.size(), SQLITE_STATIC, SQLITE_UTF8);
      sqlite3_bind_text64(stmt, 6, e.changes.data(), e.changes.size(), SQLITE_STATIC, SQLITE_UTF8);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE) return SqliteError(db_, "filling in the journal at seq " + std::to_string(e.seq));
      if (e.seq + 1 == head_.seq && e.hash != head_prev_hash_) {
        return DataLoss("journal entry " + std::to_string(e.seq) + " is not the one the snapshot's head links to");
      }
    }
    last_hash_ = e.hash;
    ++next_seq_;
  }
  return OkStatus();
}

Status SnapshotJournalFiller::Finish() {
  if (!db_) return FailedPrecondition("the snapshot's journal is finished");
  if (next_seq_ < head_.seq) {
    return DataLoss("the journal reached only seq " + std::to_string(next_seq_ - 1) + " of the snapshot's " +
                    std::to_string(head_.seq));
  }
  RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  RETURN_IF_ERROR(Exec(db_, "PRAGMA journal_mode=WAL"));
  sqlite3_close_v2(db_);
  db_ = nullptr;
  return SyncFile(path_);
}

}  // namespace riik::store
