// Physical snapshots of an SQLite store, for the data embassy: a copy of the database
// file consistent at one journal seq, holding every table and index but, of the
// journal, only its last entry (the head) — the entries before it travel in the
// journal's segments already. Restoring one is writing the file back and filling its
// journal in from the segments, instead of replaying every row: what makes a restore
// of a large store as fast as copying files.
//
// A snapshot file is a valid store (Store::Open reads it, Store::Digest hashes its
// state at the head), except that its journal starts at the head until filled in.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/status.h"
#include "store/journal.h"

struct sqlite3;

namespace riik::store {

// Writes a snapshot of the SQLite store at `store_path` to `out_path` (which must not
// exist yet) through a connection of its own, in one read transaction: the store's
// writer carries on meanwhile. Returns the head it holds; the file is fsynced.
Result<JournalHead> WriteSqliteSnapshot(const std::string& store_path, const std::string& out_path);

// Fills in the journal of a snapshot file written back by a restore: entries 1 to the
// head's seq − 1, in order, each linking to the one before and the last to the head the
// snapshot holds; the head's own entry may be passed too and must be the same one.
// Written without a rollback journal (a restore that fails deletes the file), synced
// once by Finish.
class SnapshotJournalFiller {
 public:
  static Result<std::unique_ptr<SnapshotJournalFiller>> Open(const std::string& path);
  ~SnapshotJournalFiller();

  // The entry the snapshot was taken at.
  const JournalHead& head() const { return head_; }
  // The next entries, consecutive, starting at seq 1.
  Status Add(std::span<const JournalEntry> entries);
  // Checks that every entry up to the head is in, commits, syncs and closes.
  Status Finish();

 private:
  SnapshotJournalFiller() = default;
  sqlite3* db_ = nullptr;
  JournalHead head_;
  std::string head_prev_hash_;
  int64_t next_seq_ = 1;
  std::string last_hash_;  // of the last entry added
  std::string path_;
};

}  // namespace riik::store
