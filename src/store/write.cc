// Store::Write: journaled transactions, committed in groups.
//
// Writers queue; the writer at the front commits a batch of everyone queued (up to
// kMaxBatch) in one database transaction, so concurrent writers share one fsync. Each
// transaction of a batch runs inside its own savepoint and gets its own journal entry,
// so one that fails is rolled back alone and the others commit. A batch of one needs no
// savepoint.
#include <condition_variable>
#include <nlohmann/json.hpp>

#include "core/metrics.h"
#include "store/impl/backend.h"
#include "store/store.h"

namespace riik::store {
namespace {

constexpr size_t kMaxBatch = 256;
constexpr const char* kSavepoint = "SAVEPOINT riik_w";
constexpr const char* kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT riik_w";
constexpr const char* kReleaseSavepoint = "RELEASE SAVEPOINT riik_w";

}  // namespace

struct Store::Writer {
  const std::function<Status(WriteTxn&)>* fn;
  Result<JournalHead> result = Internal("transaction was not run");
  bool done = false;
  std::condition_variable cv;
};

Result<JournalHead> Store::Write(const std::function<Status(WriteTxn&)>& fn) {
  Writer self{&fn};
  std::unique_lock queue_lock(queue_mu_);
  queue_.push_back(&self);
  self.cv.wait(queue_lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) {
    queue_lock.unlock();
    return Observed(std::move(self.result));
  }

  // This writer leads: it commits everyone queued so far, itself first.
  std::vector<Writer*> batch(queue_.begin(), queue_.begin() + std::min(queue_.size(), kMaxBatch));
  queue_lock.unlock();
  {
    std::lock_guard lock(mu_);
    try {
      CommitBatchLocked(batch);
    } catch (const std::exception& e) {  // e.g. bad_alloc: fail the batch, keep the queue moving
      (void)backend_->Rollback();
      for (Writer* w : batch) w->result = Internal(std::string("committing a batch failed: ") + e.what());
    }
  }
  queue_lock.lock();
  for (size_t i = 0; i < batch.size(); ++i) {
    Writer* w = queue_.front();
    queue_.pop_front();
    w->done = true;
    if (w != &self) w->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  queue_lock.unlock();
  return Observed(std::move(self.result));
}

Result<JournalHead> Store::Observed(Result<JournalHead> result) {
  if (!result.ok() || !commit_observer_) return result;
  RETURN_IF_ERROR(commit_observer_(result->seq));
  return result;
}

Result<JournalHead> Store::RunOneLocked(const std::function<Status(WriteTxn&)>& fn, const JournalHead& head) {
  WriteTxn txn(*this);
  Status st;
  try {  // a throwing callback fails its own transaction, not the batch or the queue
    st = fn(txn);
  } catch (const std::exception& e) {
    st = Internal(std::string("transaction callback threw: ") + e.what());
  }
  RETURN_IF_ERROR(st);
  if (txn.changes_.empty()) return head;
  JournalEntry e;
  e.seq = head.seq + 1;
  e.prev_hash = head.hash;
  e.time = clock_();
  e.node = node_;
  std::string changes(1, '[');
  for (size_t i = 0; i < txn.changes_.size(); ++i) {
    if (i) changes.push_back(',');
    changes.append(txn.changes_[i]);
  }
  changes.push_back(']');
  e.changes = std::move(changes);
  e.hash = ComputeEntryHash(e);
  RETURN_IF_ERROR(InsertEntryLocked(e));
  return JournalHead{e.seq, e.hash, e.time};
}

void Store::CommitBatchLocked(const std::vector<Writer*>& batch) {
  auto fail_all = [&](const Status& st) {
    for (Writer* w : batch) w->result = st;
  };
  Status begun = BeginWriteLocked();
  if (!begun.ok()) return fail_all(begun);

  const bool isolate = batch.size() > 1;
  const size_t schemas_at_start = schemas_.size();
  JournalHead head = head_;
  int64_t entries = 0;
  auto abort_batch = [&](const Status& st) {
    (void)backend_->Rollback();
    ForgetSchemasAfterLocked(schemas_at_start);
    fail_all(st);
  };
  for (Writer* w : batch) {
    const size_t schemas_before = schemas_.size();
    if (isolate) {
      Status sp = backend_->Exec(kSavepoint);
      if (!sp.ok()) return abort_batch(sp);
    }
    Result<JournalHead> r = RunOneLocked(*w->fn, head);
    if (isolate) {
      // Surface this transaction's deferred errors before deciding its fate.
      Status synced = backend_->Sync();
      if (r.ok() && !synced.ok()) r = synced;
    }
    if (!r.ok()) {
      if (!isolate) return abort_batch(r.status());
      Status undone = backend_->Exec(kRollbackToSavepoint);
      if (undone.ok()) undone = backend_->Exec(kReleaseSavepoint);
      if (!undone.ok()) return abort_batch(undone);
      ForgetSchemasAfterLocked(schemas_before);
      w->result = r.status();
      continue;
    }
    if (isolate) {
      Status released = backend_->Exec(kReleaseSavepoint);
      if (!released.ok()) return abort_batch(released);
    }
    if (r->seq != head.seq) ++entries;
    head = *r;
    w->result = head;
  }
  if (entries == 0) {
    (void)backend_->Rollback();  // nothing to commit; results already hold the head
    return;
  }
  Status committed = backend_->Commit();
  if (!committed.ok()) {
    (void)backend_->Rollback();
    ForgetSchemasAfterLocked(schemas_at_start);
    for (Writer* w : batch) {
      if (w->result.ok()) w->result = committed;
    }
    return;
  }
  PublishHead(head);
  static Counter& commits = Metrics().GetCounter("riik_store_commits_total", "Journaled transactions committed");
  static Counter& batches = Metrics().GetCounter("riik_store_group_commits_total",
                                                 "Database commits (each carries one or more journaled transactions)");
  commits.Add(static_cast<uint64_t>(entries));
  batches.Add();
}

}  // namespace riik::store
