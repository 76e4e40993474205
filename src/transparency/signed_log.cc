// The signed log: batching and storing leaves, signing tree heads for them (per batch or
// per interval), restoring the tree on open, and timestamping signed tree heads in the
// background.
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
  signer_ = CertificateSha256Hex(options_.certificate_chain[0].get());
  ASSIGN_OR_RETURN(std::optional<store::Row> known, store_.Get(tables::kSigners, {{"fingerprint", signer_}}));
  if (!known) {
    std::vector<std::string> pems = trust::CertificateChainPem(options_.certificate_chain);
    RETURN_IF_ERROR(
        store_.Write([&](store::WriteTxn& t) { return t.Put(tables::kSigners, tables::SignerRow(signer_, pems)); }));
  }

  const std::string& log_id = options_.log_id;
  // Leaves after the last head are those a head interval had not signed yet when the log
  // closed uncleanly: the log signs them once it starts, as it would have within the
  // interval, after the checks VerifyLog would make of them. A log that has only ever
  // signed a head with every batch never leaves any: there they mean deleted heads, and
  // it refuses. The token first (one is written only after its head).
  ASSIGN_OR_RETURN(int64_t timestamped, tables::LastTimestampedSize(store_, log_id));
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last, tables::LastHead(store_, log_id));
  const int64_t last_size = last ? last->head.tree_size : 0;
  RETURN_IF_ERROR(tables::ForEachLeaf(store_, log_id, tables::kUnbounded, [&](tables::StoredLeaf r) -> Status {
    if (r.leaf_index != static_cast<int64_t>(tree_.size())) {
      return DataLoss("signed log " + log_id + ": leaf " + std::to_string(tree_.size()) + " is missing");
    }
    if (r.leaf_index >= last_size) {
      if (!AllowsUnsignedTail()) {
        return DataLoss("signed log " + log_id + ": leaf " + std::to_string(r.leaf_index) +
                        " is stored after the last signed tree head, in a log that signs a head with every batch: "
                        "signed heads were deleted");
      }
      Status leaf_ok = options_.leaf_check(r.key, r.leaf);
      if (!leaf_ok.ok()) {
        return DataLoss("signed log " + log_id + ": leaf " + std::to_string(r.leaf_index) +
                        ", stored after the last signed tree head, is not a valid leaf: " + leaf_ok.message());
      }
      RETURN_IF_ERROR(tables::CheckKeyIndexed(store_, log_id, r).WithContext("signed log " + log_id));
    }
    ledger::Hash leaf = ledger::LeafHash(r.leaf);
    tree_.Append(leaf);
    frontier_.Append(leaf);
    return OkStatus();
  }));
  const int64_t size = static_cast<int64_t>(tree_.size());
  if (last) {
    Result<ledger::Hash> signed_root = tree_.Root(static_cast<uint64_t>(last_size));
    if (!signed_root.ok() || *signed_root != last->head.root) {
      return DataLoss("signed log " + log_id +
                      ": the stored leaves do not match the last signed tree head; run its verify command "
                      "(`riik exchange log verify`, `riik tracker log verify`) to find the bad leaf");
    }
    latest_ = last->head;
    signed_size_ = last_size;
  }
  // A token beyond the last head names a head that is gone: heads were deleted, and
  // signing the leaves again would make a second head of a size already timestamped.
  if (timestamped > signed_size_) {
    return DataLoss("signed log " + log_id + ": a timestamp covers the tree head of size " +
                    std::to_string(timestamped) + ", but the last stored head has size " +
                    std::to_string(signed_size_) + ": signed heads were deleted");
  }
  if (signed_size_ < size) {
    spdlog::warn(
        "signed log {}: {} leaves stored after the last signed tree head (closed before it was signed); "
        "signing a head for them",
        log_id, size - signed_size_);
  }
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
  batches_total_ = &m.GetCounter("riik_signed_log_batches_total", "Batches of leaves stored", labels);
  heads_total_ = &m.GetCounter("riik_signed_log_heads_total", "Signed tree heads stored", labels);
  failed_heads_total_ = &m.GetCounter("riik_signed_log_failed_heads_total",
                                      "Signed tree heads that could not be made or stored (tried again)", labels);
  failed_batches_total_ =
      &m.GetCounter("riik_signed_log_failed_batches_total", "Batches whose store write failed", labels);
  timestamp_failures_total_ = &m.GetCounter("riik_signed_log_timestamp_failures_total",
                                            "Failed attempts to timestamp a signed tree head", labels);
  m.SetCallbackGauge("riik_signed_log_leaves_awaiting_head",
                     "Leaves stored but not yet under a signed tree head (head_interval)", labels,
                     [this] { return static_cast<double>(awaiting_head()); });
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
  if (signed_size_ < static_cast<int64_t>(frontier_.size())) sealing_->WakeNow(seal_task_);  // Restore's tail
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
  // What is left is sealed here, so that every callback runs, and signed: a log closed
  // cleanly leaves no leaf without a head. Not a log whose Open failed: its store may be
  // what failed the checks, and nothing was appended to it.
  if (!sealing_) return;
  for (std::vector<Pending> batch = NextBatch(); !batch.empty(); batch = NextBatch()) SealBatch(std::move(batch));
  if (signed_size_ < static_cast<int64_t>(frontier_.size())) {
    SealHead();
    if (signed_size_ < static_cast<int64_t>(frontier_.size())) {
      spdlog::error(
          "signed log {}: closed with {} leaves not yet under a signed tree head; it signs them when it opens",
          options_.log_id, static_cast<int64_t>(frontier_.size()) - signed_size_);
    }
  }
  if (timestamping_) timestamping_->Remove(timestamp_task_);
  Labels labels = {{"log", options_.log_id}};
  Metrics().RemoveCallbackGauge("riik_signed_log_leaves_awaiting_head", labels);
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
      // Full: no waiting for more (past it, the step knows). The first of a batch: the
      // step says when it closes (sooner than a head for leaves stored earlier).
      if (queue_.size() == options_.max_batch || queue_.size() == 1) sealing_->WakeNow(seal_task_);
      return;
    }
  }
  p.done(Unavailable("signed log " + options_.log_id + " is shutting down"));
}

// A batch closes when it is full or when its first leaf has waited max_delay; leaves
// that queued up while the previous batch was being stored are usually past that already.
// Leaves stored without a head get one at the next head's time, with whatever batch is
// queued then or alone.
std::optional<StepScheduler::Clock::time_point> SignedLog::SealStep() {
  auto due = [this]() -> std::optional<StepScheduler::Clock::time_point> {
    std::optional<StepScheduler::Clock::time_point> at = NextHeadAt();
    std::lock_guard lock(queue_mu_);
    if (queue_.empty()) return at;
    auto closes =
        queue_.size() >= options_.max_batch ? StepScheduler::Clock::now() : queue_.front().arrived + options_.max_delay;
    return at ? std::min(*at, closes) : closes;
  };
  std::optional<StepScheduler::Clock::time_point> next = due();
  if (!next || *next > StepScheduler::Clock::now()) return next;
  std::vector<Pending> batch = NextBatch();
  if (batch.empty()) {
    SealHead();
  } else {
    SealBatch(std::move(batch));
  }
  return due();
}

bool SignedLog::AllowsUnsignedTail() const { return options_.signs_leaves_later || options_.head_interval.count() > 0; }

std::chrono::milliseconds SignedLog::HeadWait() const {
  return head_failed_ ? std::max(options_.head_interval, kHeadRetryAfter) : options_.head_interval;
}

bool SignedLog::HeadDue(std::chrono::steady_clock::time_point now) const {
  return options_.head_interval.count() == 0 || !last_head_ || now - *last_head_ >= HeadWait();
}

std::optional<std::chrono::steady_clock::time_point> SignedLog::NextHeadAt() const {
  if (signed_size_ == static_cast<int64_t>(frontier_.size())) return std::nullopt;
  return last_head_ ? *last_head_ + HeadWait() : std::chrono::steady_clock::now();
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
  const auto now = std::chrono::steady_clock::now();
  const int64_t first = static_cast<int64_t>(frontier_.size());
  ledger::MerkleFrontier next = frontier_;
  for (const Pending& p : batch) next.Append(p.leaf_hash);
  std::optional<SignedTreeHead> head;
  Status stored = OkStatus();
  if (HeadDue(now)) {
    Result<SignedTreeHead> made = MakeHead(next);
    if (made.ok()) {
      head = std::move(*made);
    } else if (options_.head_interval.count() == 0) {
      stored = made.status();  // every batch needs its head
    } else {
      HeadFailed(made.status());  // the leaves are stored without; the head is tried again
    }
  }
  if (stored.ok()) stored = StoreBatch(batch, head);
  if (!stored.ok() && head && options_.head_interval.count() > 0) {
    // The head may be what could not be stored: the leaves go without it, to be signed
    // later, rather than fail because of it. If they fail too, the fault was theirs.
    Status without_head = StoreBatch(batch, std::nullopt);
    if (without_head.ok()) {
      HeadFailed(stored);
      head.reset();
    }
    stored = without_head;
  }
  if (!stored.ok()) {
    failed_batches_total_->Add();
    spdlog::error("signed log {}: a batch of {} leaves was not logged: {}", options_.log_id, batch.size(),
                  stored.ToString());
    for (Pending& p : batch) p.done(stored);
    return;
  }
  // Stored: only now does the tree advance.
  frontier_ = next;
  {
    std::lock_guard lock(tree_mu_);
    for (const Pending& p : batch) tree_.Append(p.leaf_hash);
  }
  if (head) HeadStored(*head, now);
  leaves_total_->Add(batch.size());
  batches_total_->Add();
  for (size_t i = 0; i < batch.size(); ++i) {
    Receipt receipt{first + static_cast<int64_t>(i)};
    if (head) {
      receipt.tree_size = head->tree_size;
      receipt.root = head->root;
      receipt.signature = head->signature;
      receipt.time_us = head->time_us;
    }
    batch[i].done(std::move(receipt));
  }
}

void SignedLog::SealHead() {
  const auto now = std::chrono::steady_clock::now();
  Result<SignedTreeHead> head = MakeHead(frontier_);
  Status stored = head.ok() ? StoreBatch({}, *head) : head.status();
  if (!stored.ok()) return HeadFailed(stored);  // the leaves stay durable meanwhile
  HeadStored(*head, now);
}

void SignedLog::HeadFailed(const Status& why) {
  // From the failure, not the try: a store that fails slowly is not tried back to back.
  const auto now = std::chrono::steady_clock::now();
  last_head_ = now;
  head_failed_ = true;
  failed_heads_total_->Add();
  if (head_error_logged_ && now - *head_error_logged_ < kHeadErrorLogEvery) return;  // ~10 tries a second
  head_error_logged_ = now;
  spdlog::error(
      "signed log {}: no signed tree head for the {} leaves stored since the last one, retrying every {} ms: {}",
      options_.log_id, static_cast<int64_t>(frontier_.size()) - signed_size_, HeadWait().count(), why.ToString());
}

Result<SignedTreeHead> SignedLog::MakeHead(const ledger::MerkleFrontier& next) {
  SignedTreeHead head;
  head.log_id = options_.log_id;
  head.tree_size = static_cast<int64_t>(next.size());
  head.root = next.Root();
  head.time_us = std::max(options_.clock(), latest_head() ? latest_head()->time_us : 0);
  ASSIGN_OR_RETURN(head.signature, SignTreeHead(head, *head_signer_));
  return head;
}

Status SignedLog::StoreBatch(const std::vector<Pending>& batch, const std::optional<SignedTreeHead>& head) {
  const int64_t first = static_cast<int64_t>(frontier_.size());
  const int64_t count = static_cast<int64_t>(batch.size());
  std::string leaves;
  for (const Pending& p : batch) AppendKeyedLeaf(leaves, p.key, p.leaf);
  // One row for the batch's leaves, one small row per key (its index), and the head.
  Result<store::JournalHead> written = store_.Write([&](store::WriteTxn& t) -> Status {
    if (count > 0) RETURN_IF_ERROR(t.Put(tables::kBatches, tables::BatchRow(options_.log_id, first, count, leaves)));
    for (int64_t i = 0; i < count; ++i) {
      RETURN_IF_ERROR(
          t.Put(tables::kKeys, tables::KeyRow(options_.log_id, batch[static_cast<size_t>(i)].key, first + i)));
    }
    return head ? t.Put(tables::kHeads, tables::HeadRow({*head, signer_})) : OkStatus();
  });
  if (!written.ok()) {
    return written.status().WithContext("signed log " + options_.log_id +
                                        (count > 0 ? ": storing a batch" : ": storing a tree head"));
  }
  return OkStatus();
}

void SignedLog::HeadStored(const SignedTreeHead& head, std::chrono::steady_clock::time_point now) {
  signed_size_ = head.tree_size;
  last_head_ = now;
  head_failed_ = false;
  head_error_logged_.reset();
  // Queued for its timestamp before it is the latest: whoever reads awaiting_head() and
  // then pending_timestamps() and finds both 0 may take the evidence as complete.
  {
    std::lock_guard lock(timestamp_mu_);
    untimestamped_.push_back({head.tree_size, head.time_us});
    newest_untimestamped_ = head;
  }
  {
    std::lock_guard lock(tree_mu_);
    latest_ = head;
  }
  if (timestamping_) timestamping_->Wake(timestamp_task_);
  heads_total_->Add();
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

int64_t SignedLog::awaiting_head() const {
  std::lock_guard lock(tree_mu_);
  return static_cast<int64_t>(tree_.size()) - (latest_ ? latest_->tree_size : 0);
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
  int64_t committed = 0, stored = 0;
  {
    std::lock_guard lock(tree_mu_);
    committed = latest_ ? latest_->tree_size : 0;
    stored = static_cast<int64_t>(tree_.size());
  }
  return BuildEntries(store_, options_.log_id, key, {committed, stored}, Proofs());
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
  ASSIGN_OR_RETURN(VerifiedLog found,
                   transparency::VerifyLog(store_, options_.log_id, options_.trust_root.get(), options_.leaf_check));
  // Without a head interval every batch carries its head: a leaf after the last one
  // means heads were deleted.
  if (!AllowsUnsignedTail()) return RequireEverySigned(found).WithContext("signed log " + options_.log_id);
  return OkStatus();
}

}  // namespace riik::transparency
