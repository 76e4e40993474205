// BulkLoader: many rows into a store, in journaled transactions of a bounded size, with
// progress. Each transaction is one journal entry like any other write; a load cut
// short leaves whole transactions, and loading again puts the same rows (a put replaces
// the row with the same key), so a load can simply be run again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace riik::registry {

// (rows written so far, rows in all)
using LoadProgress = std::function<void(int64_t, int64_t)>;

// Where a registry's load puts its rows: a store (BulkLoader), or in the benchmark
// plain SQLite for comparison.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Put(const std::string& table, store::Row row) = 0;
};

class BulkLoader : public RowSink {
 public:
  BulkLoader(store::Store& store, int64_t total_rows, LoadProgress progress = nullptr, size_t rows_per_txn = 10000)
      : store_(store), total_(total_rows), progress_(std::move(progress)), rows_per_txn_(rows_per_txn) {}

  // Queues a row; writes a transaction when rows_per_txn are queued. The first error is
  // returned here and by every later call.
  Status Put(const std::string& table, store::Row row) override;
  // Writes what is queued.
  Status Finish();

  int64_t written() const { return written_; }

 private:
  Status Flush();

  store::Store& store_;
  int64_t total_;
  LoadProgress progress_;
  size_t rows_per_txn_;
  std::vector<std::pair<std::string, store::Row>> queued_;
  int64_t written_ = 0;
  Status failed_;
};

}  // namespace riik::registry
