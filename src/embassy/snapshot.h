// Store snapshots shipped to the data embassies beside the journal's segments, so that a
// restore writes a store file back instead of replaying every row (Litestream's and
// pgBackRest's base backup + log). A node snapshots an SQLite store now and then
// (store/sqlite_snapshot.h: every table and index, the journal's head entry only),
// splits the file into chunks, seals each like a segment (sealing.h: zstd, then
// XChaCha20-Poly1305 under the node's data key, bound to node, seq and chunk index) and
// signs a manifest listing the sealed chunks' hashes with the snapshot's head. The
// embassy checks the manifest's signature and every chunk against it, without the key.
// Manifest (signed_document.h):
//   {"format":"riik-snapshot-v1","node","seq","head_hash":hex,"head_time_us","digest":hex,"tables","rows","key_id","file_bytes",
//    "chunks":[{"hash":hex,"bytes":plain size},…],"time_us","signature"}
// A sealed chunk: 24-byte nonce, then the ciphertext. Format: docs/formats/snapshot.md.
#pragma once

#include <openssl/evp.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/journal.h"
#include "store/store.h"

namespace riik::embassy {

inline constexpr const char* kSnapshotFormat = "riik-snapshot-v1";
inline constexpr size_t kSnapshotChunkBytes = 16 << 20;       // of the file, per chunk
inline constexpr size_t kMaxSealedChunkBytes = 20 << 20;      // a sealed chunk, at most
inline constexpr size_t kMaxSnapshotManifestBytes = 1 << 20;  // ~10,000 chunks: 160 GB
inline constexpr int64_t kMaxSnapshotChunks = 10'000;

struct SnapshotChunk {
  std::string hash;   // SHA-256 of the sealed chunk (raw)
  int64_t bytes = 0;  // of the file it holds
};

struct SnapshotManifest {
  std::string node;
  int64_t seq = 0;
  std::string head_hash;        // the journal entry at seq (raw)
  UnixMicros head_time_us = 0;  // when that entry was committed
  // The state digest of the snapshot (Store::Digest at seq), as the node computed it
  // from the file: a restore that writes back exactly these bytes (every chunk's hash
  // checked) holds this state without recomputing it.
  std::string digest;  // raw
  int64_t tables = 0, rows = 0;
  std::string key_id;  // the data key the chunks are sealed with (segment.h DataKeyId)
  int64_t file_bytes = 0;
  std::vector<SnapshotChunk> chunks;
  UnixMicros time_us = 0;
};

// Seals the snapshot file at `path`, taken at `head` of `node`, whose state digest is
// `digest`: hands each sealed chunk
// to `chunk(index, bytes)` as it goes (so a large file is never held whole) and returns
// the signed manifest.
Result<std::string> SealSnapshot(const std::string& path, const std::string& node, const store::JournalHead& head,
                                 const store::StateDigest& digest, std::string_view data_key, EVP_PKEY* signing_key,
                                 const std::function<Status(size_t, std::string_view)>& chunk);

// A snapshot as a node ships it: the manifest, and the checkpoint (checkpoint.h) of the
// state digest at the snapshot's seq, both signed.
struct TakenSnapshot {
  store::JournalHead head;
  std::string manifest;
  std::string checkpoint;
  int64_t file_bytes = 0;
};
// Snapshots the SQLite store of `node` at `store_path` into a file in `work_dir`
// (store/sqlite_snapshot.h; the store's writer carries on), computes its state digest,
// seals it — handing each sealed chunk to `chunk(head, index, bytes)` — and deletes the
// file.
Result<TakenSnapshot> TakeSnapshot(
    const std::string& store_path, const std::string& node, const std::string& work_dir, std::string_view data_key,
    EVP_PKEY* signing_key, const std::function<Status(const store::JournalHead&, size_t, std::string_view)>& chunk);

// The manifest, if its signature verifies under `signer` and it is well formed.
Result<SnapshotManifest> CheckSnapshotManifest(std::string_view text, EVP_PKEY* signer);

// What chunk `index`'s ciphertext is bound to (its associated data): the snapshot's
// node, seq and head, and the chunk's place in it.
std::string SnapshotChunkAad(const SnapshotManifest& m, size_t index);

// That `bytes` is chunk `index` of the manifest's snapshot (its hash); no key needed.
Status CheckSnapshotChunk(const SnapshotManifest& m, size_t index, std::string_view bytes);

// A restore: CheckSnapshotChunk, then decrypts and decompresses it (to exactly the size
// the manifest names).
Result<std::string> OpenSnapshotChunk(const SnapshotManifest& m, size_t index, std::string_view bytes,
                                      std::string_view data_key);

}  // namespace riik::embassy
