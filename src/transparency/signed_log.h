// The state's notary: a signed, timestamped append-only log of opaque leaves, each stored
// under a key it is looked up by, in an append-only Merkle tree (RFC 9162) kept in its
// owner's journaled store. Leaves are sealed in batches: one store transaction per batch
// and one signed tree head (ECDSA P-256, the owner's signing key) per batch, or per
// head_interval at most, so signing and fsync cost are shared by many leaves. The logs of a process seal their
// batches on a few shared threads (kSealingThreads; one batch of a log at a time) and
// have their tree heads timestamped by the TSA in the background, on the process's one
// timestamping thread (core/step_scheduler.h); a TSA outage never holds up Append.
// EntriesFor() exports the proofs for one key that entry_check.h checks offline. What a
// leaf means is its user's: the exchange's message log (X-Road messages by X-Road-Id),
// the data tracker (accesses by personal code). Format: docs/formats/signed_log.md.
//
// Thread-safe. Append may be called from any thread; its callback runs on a sealing
// thread (or, for leaves still queued when the log closes, on the thread closing it) and
// must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "core/step_scheduler.h"
#include "crypto/handles.h"
#include "ledger/merkle.h"
#include "ledger/merkle_frontier.h"
#include "store/store.h"
#include "transparency/tree_head.h"
#include "transparency/verify.h"
#include "trust/timestamp_client.h"

namespace riik {
class Counter;
class PreparedSigner;
}  // namespace riik

namespace riik::transparency {

struct TreeProofs;  // entry_export.h

// The threads on which the signed logs of a process seal their batches, at most: each is
// mostly waiting for its batch's fsync, and a log seals one batch at a time.
inline constexpr size_t kSealingThreads = 4;
// A log whose batch is due waits no longer than this for a sealing thread while every
// one is inside one batch (four logs whose stores hang): then it gets a thread of its own
// (StepScheduler's stall limit). A batch takes a few milliseconds.
inline constexpr std::chrono::milliseconds kSealStallAfter{1000};
// A head for leaves stored without one that could not be signed or stored is tried again
// after head_interval, or after this if that is shorter.
inline constexpr std::chrono::milliseconds kHeadRetryAfter{100};
// While heads keep failing, the error is logged at most this often.
inline constexpr std::chrono::seconds kHeadErrorLogEvery{10};

// What Append promises once a leaf is durably stored: its index and, with a head per
// batch (head_interval 0), the signed tree head that covers it. With a head interval the
// head may come later (tree_size 0 here): the log signs one within the interval.
struct Receipt {
  int64_t leaf_index = 0;
  int64_t tree_size = 0;  // the signed tree head that covers the leaf; 0: still to come
  ledger::Hash root{};
  std::string signature;   // the head's DER ECDSA signature
  UnixMicros time_us = 0;  // the head's time
};

struct SignedLogOptions {
  std::string log_id;                              // names the log, e.g. the member's subsystem id
  UniquePtr<EVP_PKEY> signing_key;                 // the owner's signing key, ECDSA P-256
  std::vector<UniquePtr<X509>> certificate_chain;  // its certificate first, then the issuing CAs
  UniquePtr<X509> trust_root;                      // the state root; VerifyLog() checks against it
  trust::TimestampFn timestamp;                    // empty: heads stay untimestamped
  size_t max_batch = 1024;                         // leaves per batch (one store transaction), at most
  std::chrono::microseconds max_delay{2000};       // how long the first leaf of a batch may wait for others
  // How often a signed tree head is made, at most. Zero: one for every batch, in the
  // batch's transaction, and each Receipt carries it (a ballot's receipt needs it at
  // once). Above zero: a batch is stored without a head while the last head is younger
  // than this, and the leaves stored since are covered by the next head, signed within
  // head_interval of the last one (with a later batch, or alone once no batch comes). The
  // signatures, hundreds a second under load, drop to a few; what Append answers (the
  // leaf is durable) does not change. Evidence waits for the head and its timestamp.
  std::chrono::milliseconds head_interval{0};
  // Whether leaves stored after the last head are to be checked and signed when the log
  // opens (a log run with a head interval that stopped before it signed them), even if it
  // is opened without one now: its user may switch (the exchange's message log). Without
  // this or a head interval they mean deleted heads, and Open and VerifyLog refuse them.
  bool signs_leaves_later = false;
  // At most one timestamp per interval per log: one token covers every earlier head
  // (evidence adds a consistency proof), so stamping more often only costs the TSA and
  // this server a signature and a token parse each, without covering anything more.
  std::chrono::milliseconds timestamp_interval{1000};
  std::chrono::milliseconds timestamp_retry_min{100};    // backoff after a failed timestamp, doubling …
  std::chrono::milliseconds timestamp_retry_max{30000};  // … up to this
  Clock clock = SystemClock();                           // tree head times
  LeafCheck leaf_check;                                  // what VerifyLog checks each leaf with; required
};

class SignedLog {
 public:
  using Done = std::function<void(Result<Receipt>)>;

  // Opens the log `options.log_id` in `store` (which must outlive it), creating its
  // tables on first use and migrating logs of the earlier format (migration.h), and
  // rebuilds the tree from the stored leaves. Fails if the key is not P-256 or does not
  // match the certificate, or with DataLoss (run VerifyLog to find the bad leaf) if the
  // leaves under the last signed head do not hash to its root, if a timestamp names a
  // head that is gone, or if leaves after the last head are not valid (with a head
  // interval or signs_leaves_later; without there must be none). Leaves after the last
  // head are signed once the log has started.
  static Result<std::unique_ptr<SignedLog>> Open(store::Store& store, SignedLogOptions options);
  // Seals every leaf appended so far (their callbacks run), then stops.
  ~SignedLog();
  SignedLog(const SignedLog&) = delete;
  SignedLog& operator=(const SignedLog&) = delete;

  // Logs `leaf` (bytes its user validated; the log does not look inside) under `key`.
  // `done` is called exactly once: with a Receipt when the leaf is durably stored (and
  // covered by a signed tree head, unless a head interval defers it), or with the error
  // (a failed batch: every leaf of the batch gets the store's error, and nothing of the
  // batch is logged).
  void Append(std::string key, std::string leaf, Done done);

  // The entries (entry_export.h) of every sealed leaf stored under `key`, in leaf order
  // (empty if there is none); Unavailable while one is not yet under a signed tree head
  // or not timestamped.
  Result<Json> EntriesFor(const std::string& key);
  // A consistency proof from the tree of `old_size` leaves to that of `new_size` (at
  // most the latest signed head's), RFC 9162, as hex hashes; InvalidArgument otherwise.
  Result<Json> ConsistencyProof(int64_t old_size, int64_t new_size);
  // The latest signed tree head with its signer's certificate chain:
  // {"certificates":[PEM…],"head":{…}}; NotFound before the first.
  Result<Json> LatestHeadJson();

  // Re-reads the whole log from the store and checks it (verify.h); names the first bad
  // leaf or head. Leaves not yet under a head pass with head_interval or
  // signs_leaves_later, and are refused without.
  Status VerifyLog();

  const std::string& log_id() const { return options_.log_id; }
  // Whether a TSA timestamps the heads (SignedLogOptions::timestamp was given).
  bool timestamped() const { return static_cast<bool>(options_.timestamp); }
  // Leaves covered by the latest signed tree head.
  int64_t size() const;
  // Leaves stored but not yet under a signed tree head (head_interval; also exported to
  // /metrics as riik_signed_log_leaves_awaiting_head).
  int64_t awaiting_head() const;
  std::optional<SignedTreeHead> latest_head() const;
  // Signed tree heads not yet covered by a timestamp, and the time of the oldest of them
  // (also exported to /metrics as riik_signed_log_pending_timestamps and
  // riik_signed_log_oldest_pending_timestamp_age_seconds).
  int64_t pending_timestamps() const;
  std::optional<UnixMicros> oldest_pending_timestamp() const;

 private:
  struct Pending {
    std::string key;
    std::string leaf;
    ledger::Hash leaf_hash;
    Done done;
    std::chrono::steady_clock::time_point arrived;
  };
  struct PendingHead {
    int64_t tree_size;
    UnixMicros time_us;
  };

  SignedLog(store::Store& store, SignedLogOptions options);
  TreeProofs Proofs();
  Status Restore();
  void Start();
  // Seals the next batch when it is due; says when the one after it is.
  std::optional<StepScheduler::Clock::time_point> SealStep();
  // Takes the next batch from the queue (up to max_batch leaves), if any.
  std::vector<Pending> NextBatch();
  // Stores `batch` (not empty), with a signed head when one is due.
  void SealBatch(std::vector<Pending> batch);
  // Signs and stores a head for the leaves stored since the last one (head_interval).
  void SealHead();
  // Whether the batch sealed now carries a signed head; when the next head is due if
  // leaves are waiting for one.
  bool HeadDue(std::chrono::steady_clock::time_point now) const;
  std::optional<std::chrono::steady_clock::time_point> NextHeadAt() const;
  // Whether leaves after the last head are this log's to sign (head_interval or
  // signs_leaves_later), not a sign of deleted heads.
  bool AllowsUnsignedTail() const;
  // How long after the last head (or failed try) the next is due.
  std::chrono::milliseconds HeadWait() const;
  // A head could not be made or stored: tried again HeadWait() after now.
  void HeadFailed(const Status& why);
  // The head of `next` (signed), for a batch or alone.
  Result<SignedTreeHead> MakeHead(const ledger::MerkleFrontier& next);
  // Stores `batch` (may be empty) and `head` if any in one transaction.
  Status StoreBatch(const std::vector<Pending>& batch, const std::optional<SignedTreeHead>& head);
  // A stored head: the tree and the timestamping learn of it.
  void HeadStored(const SignedTreeHead& head, std::chrono::steady_clock::time_point now);
  std::optional<StepScheduler::Clock::time_point> TimestampStep();
  Status TimestampHead(const SignedTreeHead& head);
  void RegisterMetrics();

  store::Store& store_;
  SignedLogOptions options_;
  std::string signer_;                           // fingerprint of the signing certificate
  std::unique_ptr<PreparedSigner> head_signer_;  // options_.signing_key, ready for a head per batch

  std::mutex queue_mu_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  // Touched only by Restore and the sealing (one thread at a time):
  ledger::MerkleFrontier frontier_;                                 // of the stored tree
  int64_t signed_size_ = 0;                                         // leaves under the last stored head
  std::optional<std::chrono::steady_clock::time_point> last_head_;  // made (or last tried); none: due
  bool head_failed_ = false;                                        // the last try failed
  std::optional<std::chrono::steady_clock::time_point> head_error_logged_;

  mutable std::mutex tree_mu_;  // guards tree_ and latest_
  ledger::MerkleTree tree_;     // every stored leaf, for proofs (a head may not cover the last ones yet)
  std::optional<SignedTreeHead> latest_;

  mutable std::mutex timestamp_mu_;        // guards what follows, to the scheduler
  std::deque<PendingHead> untimestamped_;  // signed heads after the last timestamped one
  std::optional<SignedTreeHead> newest_untimestamped_;
  std::chrono::steady_clock::time_point next_timestamp_{};  // not before (interval, backoff)
  std::chrono::milliseconds timestamp_backoff_{0};

  Counter* leaves_total_ = nullptr;
  Counter* batches_total_ = nullptr;
  Counter* heads_total_ = nullptr;
  Counter* failed_heads_total_ = nullptr;
  Counter* failed_batches_total_ = nullptr;
  Counter* timestamp_failures_total_ = nullptr;

  std::shared_ptr<StepScheduler> sealing_;
  uint64_t seal_task_ = 0;
  std::shared_ptr<StepScheduler> timestamping_;  // null without a TSA
  uint64_t timestamp_task_ = 0;
};

}  // namespace riik::transparency
