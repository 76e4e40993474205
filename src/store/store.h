// Store: a node's durable state. Tables of typed rows, written only through journaled
// transactions: every committed write transaction appends one hash-chained journal
// entry in the same database transaction (docs/formats/journal.md). Two engines sit
// behind it, SQLite (default) and PostgreSQL, and behave identically.
//
// Thread-safe: all calls are serialised on one connection. Reads may use any SQL
// (`?` placeholders); writes go only through Write(), so nothing bypasses the journal.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/journal.h"
#include "store/sqlite_tuning.h"
#include "store/value.h"

namespace riik::store {

namespace impl {
class Backend;
}

struct StoreOptions {
  // "sqlite:PATH", "sqlite::memory:", or a PostgreSQL URI "postgresql://…" / "postgres://…".
  std::string url;
  // The journal's node name, e.g. "population". Fixed at creation; reopening with
  // another name fails.
  std::string node;
  Clock clock = SystemClock();
  // Read-only: no writes, and no claim on the store, so it can be inspected (verify,
  // show, digest) while its owner serves it. Otherwise the process becomes the store's
  // only writer until it closes it; a second writer is refused.
  bool read_only = false;
  // How long to wait for a previous writer (e.g. a process just killed) to let go.
  std::chrono::milliseconds owner_wait{5000};
  // SQLite's page cache and checkpoints (ignored for PostgreSQL).
  SqliteTuning sqlite;
};

struct StateDigest {
  int64_t seq = 0;     // journal head the digest was taken at
  std::string digest;  // 32 raw bytes
  int64_t tables = 0;
  int64_t rows = 0;
};

struct VerifyReport {
  int64_t entries = 0;               // entries checked
  std::optional<int64_t> first_bad;  // seq of the first bad entry, if any
  Status status;                     // what is wrong (OK when the chain holds)
};

class Store;

// The handle a Write() callback uses. Every Put/Delete is applied at once and recorded
// as one change of the transaction's journal entry.
class WriteTxn {
 public:
  // Inserts or replaces the row with the same primary key. Columns absent from `row`
  // must be nullable and become NULL.
  Status Put(const std::string& table, const Row& row);
  // Deletes the row with this primary key; deleting an absent row records nothing.
  Status Delete(const std::string& table, const Row& key);
  Result<std::optional<Row>> Get(const std::string& table, const Row& key);
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Value>& params = {});

 private:
  friend class Store;
  explicit WriteTxn(Store& s) : store_(s) {}
  Store& store_;
  std::vector<std::string> changes_;  // canonical JSON of each change
};

class Store {
 public:
  // Opens or creates the store (read-only: opens an existing one). Fails with a message
  // naming the problem: a bad URL, another writer, another node's store.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& node() const { return node_; }
  std::string_view engine() const;

  // Creates the tables that do not exist yet (one journaled transaction). A table that
  // exists with a different schema is an error: migrations are explicit.
  Status EnsureTables(const std::vector<TableSchema>& schemas);
  Result<TableSchema> Schema(const std::string& table) const;
  std::vector<std::string> Tables() const;

  // Runs `fn` in a write transaction. If it returns OK and changed something, commits
  // the changes together with one journal entry and returns the new head; if it changed
  // nothing, returns the current head; on error, rolls back and returns the error.
  //
  // Group commit: while one batch is being committed, transactions from other threads
  // queue up; the next batch runs each of them (isolated by a savepoint, with its own
  // journal entry) and commits them all with one fsync. Durable when it returns.
  Result<JournalHead> Write(const std::function<Status(WriteTxn&)>& fn);

  // Called after each commit, outside the store's locks, with the new head's seq,
  // before Write() returns to the writer; an error it returns is the writer's result
  // (the transaction stays committed). Replication sets it to wake the shipper and, in
  // synchronous mode, to return only once an embassy holds the entry. Set it before
  // the store is shared between threads.
  void SetCommitObserver(std::function<Status(int64_t seq)> observer) { commit_observer_ = std::move(observer); }

  // SQLite's page cache and checkpoints from now on (sqlite_tuning.h): a store loaded in
  // bulk that then serves small commits (kServing). PostgreSQL ignores it.
  Status Tune(const SqliteTuning& tuning);

  Result<std::optional<Row>> Get(const std::string& table, const Row& key);
  // Runs a read-only statement (anything else is refused with PermissionDenied).
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Value>& params = {});

  // The head as of the last commit in this process (for a writer, the journal's head).
  JournalHead Head() const;
  // Reads the head from the database: for read-only observers of a live store.
  Result<JournalHead> RefreshHead();
  // Up to `limit` entries with seq > after, in order. Cheap: a primary-key range scan.
  Result<std::vector<JournalEntry>> ReadJournal(int64_t after, int64_t limit);

  // Applies an entry produced by another copy of this node's journal (replication,
  // restore): checks its link to the current head and its hash, applies its changes
  // and appends it unchanged.
  Result<JournalHead> ApplyEntry(const JournalEntry& entry);
  // The same for consecutive entries, in one database transaction (a restore's pace):
  // all of them or, on the first that does not apply, none.
  Result<JournalHead> ApplyEntries(std::span<const JournalEntry> entries);
  // The same with each entry's changes already parsed, and checked to be its canonical
  // text (CheckCanonicalChanges), by the caller — e.g. a restore, on another thread.
  // `changes` is parallel to `entries`.
  Result<JournalHead> ApplyParsedEntries(std::span<const JournalEntry> entries, const std::vector<Json>& changes);

  // A hash over every table's schema and rows, independent of engine and row order.
  // kParallel hashes tables on up to two threads of their own while it reads; kCaller
  // hashes on the calling thread (background work that should not add threads).
  enum class DigestThreads { kParallel, kCaller };
  Result<StateDigest> Digest(DigestThreads threads = DigestThreads::kParallel);

  // Recomputes the chain from seq 1. With replay, also replays every entry into a
  // scratch in-memory store and compares state digests, which catches rows written
  // behind the journal's back.
  // `progress`, if set, is called with (entries checked, head seq) as the check goes.
  Result<VerifyReport> VerifyJournal(bool replay, const std::function<void(int64_t, int64_t)>& progress = nullptr);

 private:
  friend class WriteTxn;
  Store(std::unique_ptr<impl::Backend> backend, StoreOptions options);
  Status Init();
  // A writer's first open: the journal's and meta tables, the node and format (in a transaction).
  Status CreateStoreTables();
  Status LoadSchemas();
  Result<JournalHead> ReadHead();
  // Begins a write transaction; the cached head is the journal's head since this
  // process is the store's only writer.
  Status BeginWriteLocked();
  Status ApplyChange(const Json& change, WriteTxn* record);
  Status CreateTableLocked(const TableSchema& schema, WriteTxn* record);
  Status PutLocked(const TableSchema& schema, const Row& row, WriteTxn* record);
  Status DeleteLocked(const TableSchema& schema, const Row& key, WriteTxn* record);
  Result<std::optional<Row>> GetLocked(const std::string& table, const Row& key);
  Result<std::vector<Row>> QueryLocked(const std::string& sql, const std::vector<Value>& params);
  Status InsertEntryLocked(const JournalEntry& e);
  struct Writer;
  // Runs one transaction of a batch and inserts its journal entry (no commit).
  Result<JournalHead> RunOneLocked(const std::function<Status(WriteTxn&)>& fn, const JournalHead& head);
  // A writer's result once the commit observer has seen it.
  Result<JournalHead> Observed(Result<JournalHead> result);
  // Runs and commits a batch; sets every writer's result.
  void CommitBatchLocked(const std::vector<Writer*>& batch);
  Result<const TableSchema*> SchemaLocked(const std::string& table) const;
  // Undoes the tables created after the first `count`: a transaction only ever adds
  // tables, so undoing one forgets those after a count (no copy of every schema per
  // commit).
  void ForgetSchemasAfterLocked(size_t count);
  void PublishHead(const JournalHead& head);

  std::mutex queue_mu_;         // guards queue_; taken before mu_, never while holding it
  std::deque<Writer*> queue_;   // writers waiting; the front one commits the next batch
  mutable std::mutex mu_;       // serialises all database work
  mutable std::mutex head_mu_;  // guards head_ for Head(), which must never wait on mu_
  std::unique_ptr<impl::Backend> backend_;
  std::string node_;
  Clock clock_;
  bool read_only_ = false;
  std::chrono::milliseconds owner_wait_;
  std::vector<TableSchema> schemas_;
  // Per table, built on its first put: the upsert statement and its columns in order.
  struct UpsertPlan {
    std::string sql;
    std::vector<std::string> columns;
  };
  std::unordered_map<std::string, UpsertPlan> upserts_;  // under mu_
  JournalHead head_;                                     // written under mu_ and head_mu_; read under either
  std::shared_ptr<std::atomic<int64_t>> head_seq_metric_;
  std::function<Status(int64_t)> commit_observer_;
};

}  // namespace riik::store
