// The signed log: batching, signing and storing leaves, restoring the tree on open, and
// timestamping signed tree heads in the background.
#include "transparency/signed_log.h"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/metrics.h"
#include "crypto/prepared_signer.h"
#include "crypto/x509.h"
#include "transparency/entry_export.h"
#include "transparency/leaf_batch.h"
#include "transparency/migration.h"
#include "transparency/tables.h"
#include "trust/chain_checks.h"

namespace riik::transparency {

SignedLog::SignedLog(store::Store& store, SignedLogOptions options) : store_(store), options_(std::move(options)) {}

Result<std::unique_ptr<SignedLog>> SignedLog::Open(store::Store& store, SignedLogOptions options) {
  RETURN_IF_ERROR(ValidateLogId(options.log_id));
  if (!IsP256Key(options.signing_key.get())) return InvalidArgument("a signed log signs with an ECDSA P-256 key");
  if (options.certificate_chain.empty()) return InvalidArgument("a signed log needs the signing certificate");
  if (X509_check_private_key(options.certificate_chain[0].get(), options.signing_key.get()) != 1) {
    OpenSslErrors();
    return InvalidArgument("the signing key does not match the signing certificate");
  }
  if (!options.trust_root) return InvalidArgument("a signed log needs the trust root certificate");
  if (!options.leaf_check) return InvalidArgument("a signed log needs the check of its leaves");
  if (options.max_batch == 0 || options.max_batch > kMaxBatchLeaves) {
    return InvalidArgument("max_batch must be 1 to " + std::to_string(kMaxBatchLeaves));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PreparedSigner> head_signer,
                   PreparedSigner::Create(options.signing_key.get(), EVP_sha256()));
  std::unique_ptr<SignedLog> log(new SignedLog(store, std::move(options)));
  log->head_signer_ = std::move(head_signer);
  RETURN_IF_ERROR(log->Restore());
  log->RegisterMetrics();
  log->Start();
  return log;
}

Status SignedLog::Restore() {
  RETURN_IF_ERROR(store_.EnsureTables(tables::Schemas()));
  RETURN_IF_ERROR(MigrateLegacyTables(store_));
  signer_ = DigestHex(Sha256(CertificateDer(options_.certificate_chain[0].get())));
  ASSIGN_OR_RETURN(std::optional<store::Row> known, store_.Get(tables::kSigners, {{"fingerprint", signer_}}));
  if (!known) {
    std::vector<std::string> pems = trust::CertificateChainPem(options_.certificate_chain);
    RETURN_IF_ERROR(
        store_.Write([&](store::WriteTxn& t) { return t.Put(tables::kSigners, tables::SignerRow(signer_, pems)); }));
  }

  const std::string& log_id = options_.log_id;
  RETURN_IF_ERROR(tables::ForEachLeaf(store_, log_id, [&](tables::StoredLeaf r) -> Status {
    if (r.leaf_index != static_cast<int64_t>(tree_.size())) {
      return DataLoss("signed log " + log_id + ": leaf " + std::to_string(tree_.size()) + " is missing");
    }
    ledger::Hash leaf = ledger::LeafHash(r.leaf);
    tree_.Append(leaf);
    frontier_.Append(leaf);
    return OkStatus();
  }));
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last, tables::LastHead(store_, log_id));
  const int64_t size = static_cast<int64_t>(tree_.size());
  if (last ? last->head.tree_size != size || last->head.root != frontier_.Root() : size != 0) {
    return DataLoss("signed log " + log_id +
                    ": the stored leaves do not match the last signed tree head; run its verify command "
                    "(`riik exchange log verify`, `riik tracker verify`) to find the bad leaf");
  }
  if (last) latest_ = last->head;

  ASSIGN_OR_RETURN(int64_t timestamped, tables::LastTimestampedSize(store_, log_id));
  return tables::ForEachHead(store_, log_id, timestamped + 1, [&](tables::StoredHead h) -> Status {
    untimestamped_.push_back({h.head.tree_size, h.head.time_us});
    newest_untimestamped_ = std::move(h.head);
    return OkStatus();
  });
}

void SignedLog::RegisterMetrics() {
  Labels labels = {{"log", options_.log_id}};
  MetricsRegistry& m = Metrics();
  leaves_total_ = &m.GetCounter("riik_signed_log_leaves_total", "Leaves sealed into the signed log", labels);
  batches_total_ = &m.GetCounter("riik_signed_log_batches_total", "Signed tree heads (batches) written", labels);
  failed_batches_total_ =
      &m.GetCounter("riik_signed_log_failed_batches_total", "Batches whose store write failed", labels);
  timestamp_failures_total_ = &m.GetCounter("riik_signed_log_timestamp_failures_total",
                                            "Failed attempts to timestamp a signed tree head", labels);
  m.SetCallbackGauge("riik_signed_log_pending_timestamps", "Signed tree heads not yet covered by a timestamp", labels,
                     [this] { return static_cast<double>(pending_timestamps()); });
  m.SetCallbackGauge("riik_signed_log_oldest_pending_timestamp_age_seconds",
                     "Age of the oldest signed tree head not yet covered by a timestamp (0 if none)", labels, [this] {
                       std::optional<UnixMicros> oldest = oldest_pending_timestamp();
                       return oldest ? std::max<double>(0, (options_.clock() - *oldest) / 1e6) : 0.0;
                     });
}

void SignedLog::Start() {
  sealing_ = StepScheduler::Shared("signed log sealing", kSealingThreads, kSealStallAfter);
  seal_task_ = sealing_->Add([this] { return SealStep(); });
  if (options_.timestamp) {
    timestamp_backoff_ = options_.timestamp_retry_min;
    timestamping_ = StepScheduler::Shared("signed log timestamping", 1);
    timestamp_task_ = timestamping_->Add([this] { return TimestampStep(); });
    timestamping_->Wake(timestamp_task_);  // heads left untimestamped before a restart
  }
}

SignedLog::~SignedLog() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  if (sealing_) sealing_->Remove(seal_task_);  // waits for a batch being sealed (none if Open failed)
  // What is left is sealed here, so that every callback runs.
  for (std::vector<Pending> batch = NextBatch(); !batch.empty(); batch = NextBatch()) SealBatch(std::move(batch));
  if (timestamping_) timestamping_->Remove(timestamp_task_);
  Labels labels = {{"log", options_.log_id}};
  Metrics().RemoveCallbackGauge("riik_signed_log_pending_timestamps", labels);
  Metrics().RemoveCallbackGauge("riik_signed_log_oldest_pending_timestamp_age_seconds", labels);
}

void SignedLog::Append(std::string key, std::string leaf, Done done) {
  Pending p{std::move(key), std::move(leaf), {}, std::move(done), std::chrono::steady_clock::now()};
  p.leaf_hash = ledger::LeafHash(p.leaf);
  {
    // Woken under the lock (the scheduler never takes it), so that a log being closed
    // is not touched after its queue is.
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(std::move(p));
      if (queue_.size() == options_.max_batch) {
        sealing_->WakeNow(seal_task_);  // full: no waiting for more (past it, the step knows)
      } else if (queue_.size() == 1) {
        sealing_->Wake(seal_task_);  // the step says when the batch closes
      }
      return;
    }
  }
  p.done(Unavailable("signed log " + options_.log_id + " is shutting down"));
}

// A batch closes when it is full or when its first leaf has waited max_delay; leaves
// that queued up while the previous batch was being stored are usually past that already.
std::optional<StepScheduler::Clock::time_point> SignedLog::SealStep() {
  auto due = [this]() -> std::optional<StepScheduler::Clock::time_point> {
    std::lock_guard lock(queue_mu_);
    if (queue_.empty()) return std::nullopt;
    if (queue_.size() >= options_.max_batch) return StepScheduler::Clock::now();
    return queue_.front().arrived + options_.max_delay;
  };
  std::optional<StepScheduler::Clock::time_point> closes = due();
  if (!closes || *closes > StepScheduler::Clock::now()) return closes;
  SealBatch(NextBatch());
  return due();
}

std::vector<SignedLog::Pending> SignedLog::NextBatch() {
  std::lock_guard lock(queue_mu_);
  const size_t n = std::min(queue_.size(), options_.max_batch);
  std::vector<Pending> batch;
  batch.reserve(n);
  std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  return batch;
}

void SignedLog::SealBatch(std::vector<Pending> batch) {
  const int64_t first = static_cast<int64_t>(frontier_.size());
  ledger::MerkleFrontier next = frontier_;
  for (const Pending& p : batch) next.Append(p.leaf_hash);
  Result<SignedTreeHead> head = StoreBatch(batch, next);
  if (!head.ok()) {
    failed_batches_total_->Add();
    spdlog::error("signed log {}: a batch of {} leaves was not logged: {}", options_.log_id, batch.size(),
                  head.status().ToString());
    for (Pending& p : batch) p.done(head.status());
    return;
  }
  // Stored: only now does the tree advance.
  frontier_ = next;
  {
    std::lock_guard lock(tree_mu_);
    for (const Pending& p : batch) tree_.Append(p.leaf_hash);
    latest_ = *head;
  }
  {
    std::lock_guard lock(timestamp_mu_);
    untimestamped_.push_back({head->tree_size, head->time_us});
    newest_untimestamped_ = *head;
  }
  if (timestamping_) timestamping_->Wake(timestamp_task_);
  leaves_total_->Add(batch.size());
  batches_total_->Add();
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(
        Receipt{first + static_cast<int64_t>(i), head->tree_size, head->root, head->signature, head->time_us});
  }
}

Result<SignedTreeHead> SignedLog::StoreBatch(const std::vector<Pending>& batch, const ledger::MerkleFrontier& next) {
  SignedTreeHead head;
  head.log_id = options_.log_id;
  head.tree_size = static_cast<int64_t>(next.size());
  head.root = next.Root();
  head.time_us = std::max(options_.clock(), latest_head() ? latest_head()->time_us : 0);
  ASSIGN_OR_RETURN(head.signature, SignTreeHead(head, *head_signer_));
  const int64_t first = static_cast<int64_t>(frontier_.size());
  std::string leaves;
  for (const Pending& p : batch) AppendKeyedLeaf(leaves, p.key, p.leaf);
  const int64_t count = static_cast<int64_t>(batch.size());
  // One row for the batch's leaves, one small row per key (its index), and the head.
  Result<store::JournalHead> written = store_.Write([&](store::WriteTxn& t) -> Status {
    RETURN_IF_ERROR(t.Put(tables::kBatches, tables::BatchRow(options_.log_id, first, count, leaves)));
    for (int64_t i = 0; i < count; ++i) {
      RETURN_IF_ERROR(
          t.Put(tables::kKeys, tables::KeyRow(options_.log_id, batch[static_cast<size_t>(i)].key, first + i)));
    }
    return t.Put(tables::kHeads, tables::HeadRow({head, signer_}));
  });
  if (!written.ok()) return written.status().WithContext("signed log " + options_.log_id + ": storing a batch");
  return head;
}

// Timestamps the newest signed head whenever there is one not yet covered, at most once
// per timestamp_interval: one token covers every earlier head too (evidence adds a
// consistency proof), so after an outage a single token catches up. Runs on the
// process's timestamp scheduler; returns when it wants to run again.
std::optional<StepScheduler::Clock::time_point> SignedLog::TimestampStep() {
  const auto now = std::chrono::steady_clock::now();
  SignedTreeHead head;
  {
    std::lock_guard lock(timestamp_mu_);
    if (!newest_untimestamped_) return std::nullopt;  // woken again by the next sealed head
    if (now < next_timestamp_) return next_timestamp_;
    head = *newest_untimestamped_;
  }
  Status stamped = TimestampHead(head);
  std::lock_guard lock(timestamp_mu_);
  if (stamped.ok()) {
    while (!untimestamped_.empty() && untimestamped_.front().tree_size <= head.tree_size) untimestamped_.pop_front();
    if (newest_untimestamped_ && newest_untimestamped_->tree_size <= head.tree_size) newest_untimestamped_.reset();
    timestamp_backoff_ = options_.timestamp_retry_min;
    next_timestamp_ = std::chrono::steady_clock::now() + options_.timestamp_interval;
  } else {
    timestamp_failures_total_->Add();
    spdlog::warn(
        "signed log {}: timestamping the tree head of size {} failed ({} heads waiting), retrying in {} ms: {}",
        options_.log_id, head.tree_size, untimestamped_.size(), timestamp_backoff_.count(), stamped.ToString());
    next_timestamp_ = std::chrono::steady_clock::now() + timestamp_backoff_;
    timestamp_backoff_ = std::min(timestamp_backoff_ * 2, options_.timestamp_retry_max);
  }
  if (!newest_untimestamped_) return std::nullopt;
  return next_timestamp_;
}

Status SignedLog::TimestampHead(const SignedTreeHead& head) {
  ASSIGN_OR_RETURN(Digest imprint, TimestampImprint(head));
  ASSIGN_OR_RETURN(std::string token, options_.timestamp(DigestBytes(imprint)));
  // A token for some other digest would only be found by VerifyLog; refuse it now.
  ASSIGN_OR_RETURN(Digest stamped, trust::TimestampTokenImprint(token));
  if (stamped != imprint) return DataLoss("the TSA returned a token for another digest");
  return store_
      .Write([&](store::WriteTxn& t) {
        return t.Put(tables::kTimestamps, tables::TimestampRow(options_.log_id, {head.tree_size, token}));
      })
      .status();
}

int64_t SignedLog::size() const {
  std::lock_guard lock(tree_mu_);
  return latest_ ? latest_->tree_size : 0;
}

std::optional<SignedTreeHead> SignedLog::latest_head() const {
  std::lock_guard lock(tree_mu_);
  return latest_;
}

int64_t SignedLog::pending_timestamps() const {
  std::lock_guard lock(timestamp_mu_);
  return static_cast<int64_t>(untimestamped_.size());
}

std::optional<UnixMicros> SignedLog::oldest_pending_timestamp() const {
  std::lock_guard lock(timestamp_mu_);
  if (untimestamped_.empty()) return std::nullopt;
  return untimestamped_.front().time_us;
}

TreeProofs SignedLog::Proofs() {
  return TreeProofs{[this](uint64_t index, uint64_t tree_size) {
                      std::lock_guard lock(tree_mu_);
                      return tree_.InclusionProof(index, tree_size);
                    },
                    [this](uint64_t old_size, uint64_t new_size) {
                      std::lock_guard lock(tree_mu_);
                      return tree_.ConsistencyProof(old_size, new_size);
                    }};
}

Result<Json> SignedLog::EntriesFor(const std::string& key) {
  const int64_t committed = size();
  return BuildEntries(store_, options_.log_id, key, committed, Proofs());
}

Result<Json> SignedLog::ConsistencyProof(int64_t old_size, int64_t new_size) {
  if (old_size < 0 || new_size < old_size || new_size > size()) {
    return InvalidArgument("no consistency proof from " + std::to_string(old_size) + " to " + std::to_string(new_size) +
                           " leaves: this log has " + std::to_string(size()) + " under its latest signed head");
  }
  if (old_size == 0 || old_size == new_size) return Json::array();
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                   Proofs().consistency(static_cast<uint64_t>(old_size), static_cast<uint64_t>(new_size)));
  return HashesToJson(proof);
}

Result<Json> SignedLog::LatestHeadJson() {
  std::optional<SignedTreeHead> head = latest_head();
  if (!head) return NotFound("log " + options_.log_id + " has no signed tree head yet");
  ASSIGN_OR_RETURN(Json chain, SignerChainJson(store_, signer_));
  return Json{{"certificates", std::move(chain)}, {"head", TreeHeadToJson(*head)}};
}

Status SignedLog::VerifyLog() {
  return transparency::VerifyLog(store_, options_.log_id, options_.trust_root.get(), options_.leaf_check);
}

}  // namespace riik::transparency
