// BulkLoader's batching.
#include "registry/bulk_loader.h"

namespace riik::registry {

Status BulkLoader::Put(const std::string& table, store::Row row) {
  RETURN_IF_ERROR(failed_);
  queued_.emplace_back(table, std::move(row));
  return queued_.size() >= rows_per_txn_ ? Flush() : OkStatus();
}

Status BulkLoader::Finish() {
  RETURN_IF_ERROR(failed_);
  return Flush();
}

Status BulkLoader::Flush() {
  if (queued_.empty()) return OkStatus();
  auto written = store_.Write([&](store::WriteTxn& txn) -> Status {
    for (const auto& [table, row] : queued_) RETURN_IF_ERROR(txn.Put(table, row));
    return OkStatus();
  });
  if (!written.ok()) {
    failed_ = written.status().WithContext("loading " + store_.node() + " after " + std::to_string(written_) + " rows");
    return failed_;
  }
  written_ += static_cast<int64_t>(queued_.size());
  queued_.clear();
  if (progress_) progress_(written_, total_);
  return OkStatus();
}

}  // namespace riik::registry
