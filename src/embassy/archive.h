// The embassy's keeping of the segments the state's nodes ship to it: ciphertext only,
// one directory per node, each segment checked (signature, hash link to the one before)
// and made durable before it is acknowledged. Layout under the archive's root:
//
//   NODE/signer.pem                       the certificate NODE's segments verify with
//   NODE/keys/KEY_ID.json                 NODE's data keys, wrapped to the master key
//   NODE/segments/FIRST-LAST.seg          the segments as shipped (seqs zero-padded to 20)
//   NODE/checkpoints/SEQ.json             the node's signed state digests (checkpoint.h)
//   NODE/snapshots/SEQ/INDEX.chunk        a store snapshot's sealed chunks (snapshot.h)
//   NODE/snapshots/SEQ/manifest.json      its signed manifest, written last: a
//                                         directory without one is still arriving
//   NODE/drills/TIME.json                 restore drills' signed results (drill.h)
//
// Opening an archive re-checks every node's whole chain, so a segment altered, dropped,
// reordered or replayed behind the embassy's back is found on its side too; that node
// then takes no more segments until an operator looks (its head carries the problem).
#pragma once

#include <openssl/evp.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "embassy/segment.h"

namespace riik::embassy {

struct ArchivedSegment {
  int64_t first_seq = 0, last_seq = 0;
  std::string path;
  int64_t bytes = 0;
};

struct ArchiveHead {
  std::string node;
  int64_t last_seq = 0;  // 0: nothing yet
  std::string hash;      // of the last segment (FirstSegmentPrev() when none)
  int64_t segments = 0;
  int64_t bytes = 0;
  UnixMicros last_received_us = 0;
  std::vector<std::string> key_ids;  // wrapped data keys held
  int64_t checkpoint_seq = 0;        // the latest signed checkpoint's seq (0: none)
  int64_t snapshot_seq = 0;          // the latest complete snapshot's seq (0: none)
  std::string last_drill;            // the latest drill's signed result, if any
  Status problem;                    // what the last check found wrong, if anything

  Json ToJson() const;
};

// The segment files of one node's directory in seq order, names checked (a file whose
// name is not FIRST-LAST.seg is an error naming it: nothing in there is ignored).
Result<std::vector<ArchivedSegment>> ListSegments(const std::string& node_dir, Env& env = Env::Default());

struct ArchivedCheckpoint {
  int64_t seq = 0;
  std::string path;
};
// The checkpoint files of one node's directory in seq order.
Result<std::vector<ArchivedCheckpoint>> ListCheckpoints(const std::string& node_dir, Env& env = Env::Default());
struct ArchivedSnapshot {
  int64_t seq = 0;
  std::string dir;  // holds manifest.json and the chunks
};
// The complete snapshots of one node's directory in seq order.
Result<std::vector<ArchivedSnapshot>> ListSnapshots(const std::string& node_dir, Env& env = Env::Default());
// A chunk's file in a snapshot's directory.
std::string SnapshotChunkPath(const std::string& snapshot_dir, size_t index);
// Re-checks one snapshot without the data key: the manifest's signature and node, and
// every chunk against it. Returns the manifest's seq.
Result<int64_t> CheckArchivedSnapshot(const ArchivedSnapshot& s, const std::string& node, EVP_PKEY* signer,
                                      Env& env = Env::Default());

// The newest drill result's text in a node's directory ("" when none).
std::string LatestDrill(const std::string& node_dir, Env& env = Env::Default());

// Re-checks a node directory's whole chain without the data key: every segment's
// signature under signer.pem, its link to the one before, that its header matches its
// file name and continues the seqs. `progress(done, total)` as it goes. Returns the head.
Result<ArchiveHead> CheckNodeDirectory(const std::string& node_dir, const std::string& node,
                                       const std::function<void(size_t, size_t)>& progress = nullptr,
                                       Env& env = Env::Default());

class Archive {
 public:
  // Opens (creating) the archive at `root` and checks every node in it. Every file and
  // directory goes through `env` (a test's may fail or crash beneath it).
  static Result<std::unique_ptr<Archive>> Open(const std::string& root, Env& env = Env::Default());

  // Sets the certificate (PEM, leaf first) `node`'s segments must be signed by: kept
  // from the first segment on; another one later is PermissionDenied. The caller checks
  // that it chains to the state's trust root.
  Status PutSigner(const std::string& node, const std::string& signer_pem);
  // Checks `bytes` as the next segment of `node` under its signer, then writes it
  // durably (file fsynced, renamed, directory fsynced). FailedPrecondition (saying how
  // far this archive holds the node) when it does not start right after the last one:
  // the shipper re-reads the head and resends; DataLoss when it starts there but does
  // not link (a replayed or forged segment); InvalidArgument for a malformed one.
  Result<ArchiveHead> Append(const std::string& node, std::string_view bytes);
  // Keeps a checkpoint of `node` after checking its signature (under the node's signer)
  // and that it names a seq this archive holds.
  Status PutCheckpoint(const std::string& node, std::string_view text);
  // Keeps chunk `index` of `node`'s snapshot at `seq` (checked once the manifest comes).
  Status PutSnapshotChunk(const std::string& node, int64_t seq, size_t index, std::string_view bytes);
  // Completes a snapshot: checks the manifest's signature (under the node's signer), that
  // this archive holds the journal up to its seq, and every chunk against it; then
  // writes it durably, making the snapshot one a restore may start from. Then only the
  // newest keep_snapshots() complete ones are kept (the journal is always kept whole, so
  // a restore to any seq remains possible: from an older snapshot, or by replay).
  Status PutSnapshot(const std::string& node, std::string_view manifest);
  void set_keep_snapshots(size_t n) { keep_snapshots_ = n < 1 ? 1 : n; }
  // The most one node's directory may hold (0: no quota). A segment, chunk, checkpoint
  // or key beyond it is refused with ResourceExhausted naming the node, what it holds
  // and the quota, before anything is written: a sender cannot fill the embassy's disk.
  void set_quota_bytes(uint64_t n) { quota_bytes_ = n; }
  size_t keep_snapshots() const { return keep_snapshots_; }
  // Keeps a wrapped data key (riik-wrapped-key-v1) of `node`.
  Status PutKey(const std::string& node, std::string_view wrapped);

  Result<ArchiveHead> Head(const std::string& node) const;
  std::vector<ArchiveHead> Heads() const;
  const std::string& root() const { return root_; }

 private:
  Archive(std::string root, Env& env) : root_(std::move(root)), env_(env) {}
  std::string NodeDir(const std::string& node) const { return root_ + "/" + node; }
  // The certificate `node`'s segments verify with (from signer.pem once), under mu_.
  Result<UniquePtr<X509>> SignerLocked(const std::string& node);
  std::string SnapshotDir(const std::string& node, int64_t seq) const;
  // Counts `bytes` more for `node` if they fit its quota (under mu_); ResourceExhausted
  // otherwise. The first call for a node measures its directory.
  Status ChargeLocked(const std::string& node, uint64_t bytes);
  // Measures `node`'s directory anew (after files were removed), under mu_.
  void RemeasureLocked(const std::string& node);

  std::string root_;
  Env& env_;
  size_t keep_snapshots_ = 3;
  mutable std::mutex mu_;  // guards the maps; held briefly, never during a write
  std::map<std::string, ArchiveHead> heads_;
  std::map<std::string, std::unique_ptr<std::mutex>> node_mu_;  // one append at a time per node; taken before mu_
  std::map<std::string, std::string> signers_;                  // node -> signer.pem's text
  uint64_t quota_bytes_ = 0;
  std::map<std::string, uint64_t> used_;  // bytes in each node's directory, under mu_
};

// A seq as the archive's file names write it: zero-padded to 20 digits.
std::string PaddedSeq(int64_t seq);

// Node names the archive accepts (they become directory names): 1..63 of [a-z0-9_].
bool ValidNodeName(std::string_view node);

}  // namespace riik::embassy
