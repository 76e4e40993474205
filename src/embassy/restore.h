// Restoring a node from an embassy's archive: the master secret (from custodians'
// shares) unwraps the node's data key; every segment is checked (signature, chain),
// decrypted and every entry checked (hash, link) before it is replayed into a fresh
// store, SQLite or PostgreSQL — or, into SQLite, the latest usable snapshot is written
// back (every chunk checked against its signed manifest) and only the entries after it
// replayed, the ones before it filled into its journal; on the way, the state digest is compared with the node's
// own signed checkpoint (checkpoint.h) at the latest seq it can be; a mismatch fails
// the restore (DataLoss). The result's journal head and state digest are reported.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace riik::embassy {

struct RestoreOptions {
  std::string node_dir;                  // the archive's directory of the node (archive.h)
  std::string node;                      // its journal's node name
  std::string master_secret;             // from RestoreSecret (custody.h)
  std::string trust_root_pem;            // required: the segments' signer must chain to it
  std::string store_url;                 // a store that does not exist yet, or is empty
  std::optional<int64_t> until_seq;      // stop after this seq
  std::optional<UnixMicros> until_time;  // stop after the last entry committed by then
  // Start from the latest snapshot of the store (snapshot.h) the target allows, when
  // restoring into a new SQLite file: written back, its journal filled in from the
  // segments, only the entries after it replayed. False: replay the whole journal.
  bool use_snapshots = true;
  // When the checkpoint to meet is the snapshot's own (the node signs both from the same
  // file), the written-back bytes are the ones whose digest the node signed — every
  // chunk's hash checked against the signed manifest — so the digest is not recomputed
  // unless this is set. A drill sets it.
  bool recompute_digest = false;
  // (entries restored, entries the archive holds) as the restore goes.
  std::function<void(int64_t, int64_t)> progress;
};

struct RestoreReport {
  int64_t segments = 0;
  int64_t entries = 0;
  int64_t archive_last_seq = 0;  // what the archive holds; entries may stop short of it
  store::JournalHead head;
  store::StateDigest digest;
  std::string signer;  // the signing certificate's subject
  int64_t archive_bytes = 0;
  // The node's latest signed checkpoint at or before where the restore stopped, whose
  // digest the restore rebuilt and matched on the way (0: there was none to compare).
  int64_t checkpoint_seq = 0;
  std::string checkpoint_digest;  // what the node signed for it (raw)
  int64_t snapshot_seq = 0;       // the snapshot the restore started from (0: none)
  // How the checkpoint's digest was met: "recomputed" from the rebuilt tables, or "the
  // snapshot's signed bytes" (see RestoreOptions::recompute_digest); "" if none was.
  std::string digest_checked_by;
  // Where the time went (seconds): writing the snapshot back, filling in its journal,
  // replaying into the store, computing state digests, and waiting for the next segment
  // to be opened (checked, decrypted, decompressed).
  double snapshot_s = 0, journal_s = 0, replay_s = 0, digest_s = 0, open_wait_s = 0;
};

Result<RestoreReport> RestoreNode(const RestoreOptions& options);

}  // namespace riik::embassy
