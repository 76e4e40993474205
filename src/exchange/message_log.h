// The security server's message log: every request and response it handles becomes a
// record (message_record.h) in an append-only Merkle tree (RFC 9162), kept in the
// member's journaled store. Records are sealed in batches: one signed tree head (ECDSA
// P-256, the member's signing key) and one store transaction per batch, so signing and
// fsync cost are shared by every message of the batch. Tree heads are timestamped by the
// TSA in the background; a TSA outage never holds up Append. Evidence() exports the proof
// for one X-Road-Id that evidence.h checks offline. Formats: docs/formats/evidence.md.
//
// Thread-safe. Append may be called from any thread; its callback runs on the log's
// sealer thread and must not block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "exchange/log_verify.h"
#include "exchange/message_record.h"
#include "exchange/tree_head.h"
#include "ledger/merkle.h"
#include "ledger/merkle_frontier.h"
#include "store/store.h"

namespace riik {
class Counter;
}

namespace riik::exchange {

struct TreeProofs;  // evidence_export.h

// Timestamps a SHA-256 digest (32 bytes): returns a DER RFC 3161 TimeStampToken, or an
// error (the TSA is down, …). Production: the TSA over HTTP; tests: TimestampDigest.
using TimestampFn = std::function<Result<std::string>(std::string_view sha256_digest)>;

// What Append promises once a record is durably stored under a signed tree head.
struct Receipt {
  int64_t leaf_index = 0;
  int64_t tree_size = 0;  // the signed tree head that covers the record
  ledger::Hash root{};
  std::string signature;  // the head's DER ECDSA signature
};

struct MessageLogOptions {
  std::string log_id;                              // names the log, e.g. the member's subsystem id
  UniquePtr<EVP_PKEY> signing_key;                 // the member's signing key, ECDSA P-256
  std::vector<UniquePtr<X509>> certificate_chain;  // its certificate first, then the issuing CAs
  UniquePtr<X509> trust_root;                      // the state root; VerifyLog() checks against it
  TimestampFn timestamp;                           // empty: heads stay untimestamped
  size_t max_batch = 1024;                         // records per signed tree head, at most
  std::chrono::microseconds max_delay{2000};       // how long the first record of a batch may wait for others
  // At most one timestamp per interval per log: one token covers every earlier head
  // (evidence adds a consistency proof), so stamping more often only costs the TSA and
  // this server a signature and a token parse each, without covering anything more.
  std::chrono::milliseconds timestamp_interval{1000};
  std::chrono::milliseconds timestamp_retry_min{100};    // backoff after a failed timestamp, doubling …
  std::chrono::milliseconds timestamp_retry_max{30000};  // … up to this
  Clock clock = SystemClock();                           // tree head times
  LeafCheck leaf_check = CheckMessageLeaf;               // what VerifyLog checks each leaf with
};

class MessageLog {
 public:
  using Done = std::function<void(Result<Receipt>)>;

  // Opens the log `options.log_id` in `store` (which must outlive it), creating its
  // tables on first use, and rebuilds the tree from the stored records. Fails if the key
  // is not P-256 or does not match the certificate, or if the stored records do not
  // hash to the last signed root (DataLoss: run VerifyLog to find the bad record).
  static Result<std::unique_ptr<MessageLog>> Open(store::Store& store, MessageLogOptions options);
  // Seals every record appended so far (their callbacks run), then stops.
  ~MessageLog();
  MessageLog(const MessageLog&) = delete;
  MessageLog& operator=(const MessageLog&) = delete;

  // Logs `record`. `done` is called exactly once: with a Receipt when the record is
  // durably stored and covered by a signed tree head, or with the error (an invalid
  // record: at once, on the calling thread; a failed batch: every record of the batch
  // gets the store's error, and nothing of the batch is logged).
  void Append(const MessageRecord& record, Done done);
  // Logs any leaf (canonical JSON the caller validated) under `key`: the data tracker's
  // access records, looked up by personal code. As Append otherwise.
  void AppendLeaf(std::string key, std::string leaf, Done done);

  // The evidence entries (evidence_export.h) of every sealed record stored under `key`,
  // in leaf order (empty if there is none); Unavailable while one is not timestamped.
  Result<Json> EntriesFor(const std::string& key);
  // A consistency proof from the tree of `old_size` leaves to that of `new_size` (at
  // most the latest signed head's), RFC 9162, as hex hashes; InvalidArgument otherwise.
  Result<Json> ConsistencyProof(int64_t old_size, int64_t new_size);
  // The latest signed tree head with its signer's certificate chain:
  // {"certificates":[PEM…],"head":{…}}; NotFound before the first.
  Result<Json> LatestHeadJson();

  // The evidence document for every record with this X-Road-Id (evidence.md), as
  // canonical JSON. NotFound if there is none; Unavailable if a record's tree head is
  // not covered by a timestamp yet (the TSA has not answered since; retry later).
  Result<Json> Evidence(const std::string& xroad_id);

  // Re-reads the whole log from the store and checks it (log_verify.h); names the first
  // bad record or head.
  Status VerifyLog();

  const std::string& log_id() const { return options_.log_id; }
  // Records covered by the latest signed tree head.
  int64_t size() const;
  std::optional<SignedTreeHead> latest_head() const;
  // Signed tree heads not yet covered by a timestamp, and the time of the oldest of them
  // (also exported to /metrics as riik_message_log_pending_timestamps and
  // riik_message_log_oldest_pending_timestamp_age_seconds).
  int64_t pending_timestamps() const;
  std::optional<UnixMicros> oldest_pending_timestamp() const;

 private:
  struct Pending {
    std::string xroad_id;
    std::string leaf;
    ledger::Hash leaf_hash;
    Done done;
    std::chrono::steady_clock::time_point arrived;
  };
  struct PendingHead {
    int64_t tree_size;
    UnixMicros time_us;
  };

  MessageLog(store::Store& store, MessageLogOptions options);
  TreeProofs Proofs();
  Status Restore();
  void Start();
  void SealLoop();
  void SealBatch(std::vector<Pending> batch);
  Result<SignedTreeHead> StoreBatch(const std::vector<Pending>& batch, const ledger::MerkleFrontier& next);
  void TimestampLoop();
  Status TimestampHead(const SignedTreeHead& head);
  void RegisterMetrics();

  store::Store& store_;
  MessageLogOptions options_;
  std::string signer_;  // fingerprint of the signing certificate

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  ledger::MerkleFrontier frontier_;  // of the stored tree; touched only by Restore and the sealer thread

  mutable std::mutex tree_mu_;  // guards tree_ and latest_
  ledger::MerkleTree tree_;     // every stored leaf, for proofs
  std::optional<SignedTreeHead> latest_;

  mutable std::mutex timestamp_mu_;
  std::condition_variable timestamp_cv_;
  std::deque<PendingHead> untimestamped_;  // signed heads after the last timestamped one
  std::optional<SignedTreeHead> newest_untimestamped_;
  bool timestamp_stopping_ = false;

  Counter* records_total_ = nullptr;
  Counter* batches_total_ = nullptr;
  Counter* failed_batches_total_ = nullptr;
  Counter* timestamp_failures_total_ = nullptr;

  std::thread sealer_;
  std::thread timestamper_;
};

}  // namespace riik::exchange
