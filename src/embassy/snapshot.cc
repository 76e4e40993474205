// Sealing, checking and opening store snapshots.
#include "embassy/snapshot.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "embassy/checkpoint.h"
#include "embassy/sealing.h"
#include "embassy/segment.h"
#include "embassy/signed_document.h"
#include "store/sqlite_snapshot.h"
#include "store/store.h"

namespace riik::embassy {
namespace {

std::string ChunkName(const SnapshotManifest& m, size_t index) {
  return "snapshot " + m.node + "@" + std::to_string(m.seq) + " chunk " + std::to_string(index);
}

}  // namespace

Result<std::string> SealSnapshot(const std::string& path, const std::string& node, const store::JournalHead& head,
                                 const store::StateDigest& digest, std::string_view data_key, EVP_PKEY* signing_key,
                                 const std::function<Status(size_t, std::string_view)>& chunk) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read the snapshot " + path);
  SnapshotManifest m;
  m.node = node;
  m.seq = head.seq;
  m.head_hash = head.hash;
  m.key_id = DataKeyId(data_key);
  std::string plain(kSnapshotChunkBytes, '\0');
  for (size_t index = 0;; ++index) {
    in.read(plain.data(), static_cast<std::streamsize>(plain.size()));
    size_t n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    if (index >= static_cast<size_t>(kMaxSnapshotChunks)) return ResourceExhausted("the snapshot is too large to ship");
    std::string sealed = NewSealNonce();
    ASSIGN_OR_RETURN(std::string ciphertext, CompressAndSeal(std::string_view(plain).substr(0, n), data_key, sealed,
                                                             SnapshotChunkAad(m, index)));
    sealed += ciphertext;
    RETURN_IF_ERROR(chunk(index, sealed));
    m.chunks.push_back(SnapshotChunk{DigestBytes(Sha256(sealed)), static_cast<int64_t>(n)});
    m.file_bytes += static_cast<int64_t>(n);
    if (n < plain.size()) break;
  }
  if (in.bad()) return Unavailable("reading the snapshot " + path + " failed");
  Json chunks = Json::array();
  for (const SnapshotChunk& c : m.chunks) chunks.push_back({{"hash", HexEncode(c.hash)}, {"bytes", c.bytes}});
  return SignDocument(Json{{"format", kSnapshotFormat},
                           {"node", m.node},
                           {"seq", m.seq},
                           {"head_hash", HexEncode(m.head_hash)},
                           {"head_time_us", head.time},
                           {"digest", HexEncode(digest.digest)},
                           {"tables", digest.tables},
                           {"rows", digest.rows},
                           {"key_id", m.key_id},
                           {"file_bytes", m.file_bytes},
                           {"chunks", std::move(chunks)},
                           {"time_us", NowMicros()}},
                      signing_key);
}

Result<TakenSnapshot> TakeSnapshot(
    const std::string& store_path, const std::string& node, const std::string& work_dir, std::string_view data_key,
    EVP_PKEY* signing_key, const std::function<Status(const store::JournalHead&, size_t, std::string_view)>& chunk) {
  const std::string path = work_dir + "/" + node + ".snapshot.db";
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);  // an earlier try's
  auto taken = [&]() -> Result<TakenSnapshot> {
    TakenSnapshot out;
    ASSIGN_OR_RETURN(out.head, store::WriteSqliteSnapshot(store_path, path));
    store::StoreOptions options{"sqlite:" + path, node};
    options.read_only = true;
    ASSIGN_OR_RETURN(auto snapshot, store::Store::Open(options));
    // Background work: hashed on this thread, no hashers of its own.
    ASSIGN_OR_RETURN(store::StateDigest digest, snapshot->Digest(store::Store::DigestThreads::kCaller));
    snapshot.reset();
    if (digest.seq != out.head.seq) return Internal("the snapshot's head moved while it was digested");
    ASSIGN_OR_RETURN(out.checkpoint, SignCheckpoint(node, digest, signing_key));
    out.file_bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    ASSIGN_OR_RETURN(out.manifest,
                     SealSnapshot(path, node, out.head, digest, data_key, signing_key,
                                  [&](size_t index, std::string_view bytes) { return chunk(out.head, index, bytes); }));
    return out;
  };
  auto result = taken();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  return result;
}

Result<SnapshotManifest> CheckSnapshotManifest(std::string_view text, EVP_PKEY* signer) {
  ASSIGN_OR_RETURN(Json doc, CheckSignedDocument(text, kSnapshotFormat, signer, kMaxSnapshotManifestBytes));
  SnapshotManifest m;
  m.node = StringOr(doc, "node");
  m.seq = IntOr(doc, "seq", -1);
  m.key_id = StringOr(doc, "key_id");
  m.file_bytes = IntOr(doc, "file_bytes", -1);
  m.time_us = IntOr(doc, "time_us");
  m.head_time_us = IntOr(doc, "head_time_us");
  m.tables = IntOr(doc, "tables", -1);
  m.rows = IntOr(doc, "rows", -1);
  auto digest = HexDecode(StringOr(doc, "digest"));
  if (!digest.ok() || digest->size() != 32 || m.tables < 0 || m.rows < 0) {
    return InvalidArgument("a snapshot manifest needs the state digest, tables and rows");
  }
  m.digest = *digest;
  auto head_hash = HexDecode(StringOr(doc, "head_hash"));
  if (m.node.empty() || m.seq < 1 || m.key_id.empty() || m.file_bytes < 0 || !head_hash.ok() ||
      head_hash->size() != 32 || !doc.contains("chunks") || !doc["chunks"].is_array() ||
      doc["chunks"].size() > static_cast<size_t>(kMaxSnapshotChunks)) {
    return InvalidArgument("a snapshot manifest needs node, seq, head_hash, key_id, file_bytes and chunks");
  }
  m.head_hash = *head_hash;
  int64_t total = 0;
  for (const Json& c : doc["chunks"]) {
    auto hash = HexDecode(StringOr(c, "hash"));
    int64_t bytes = IntOr(c, "bytes", -1);
    if (!hash.ok() || hash->size() != 32 || bytes < 1 || bytes > static_cast<int64_t>(kSnapshotChunkBytes)) {
      return InvalidArgument("a snapshot manifest's chunk needs a SHA-256 hash and its size");
    }
    total += bytes;
    m.chunks.push_back(SnapshotChunk{*hash, bytes});
  }
  if (total != m.file_bytes) return InvalidArgument("a snapshot manifest's chunks do not add up to its file");
  return m;
}

std::string SnapshotChunkAad(const SnapshotManifest& m, size_t index) {
  return std::string(kSnapshotFormat) + '\0' + m.node + '\0' + std::to_string(m.seq) + '\0' + HexEncode(m.head_hash) +
         '\0' + std::to_string(index);
}

Status CheckSnapshotChunk(const SnapshotManifest& m, size_t index, std::string_view bytes) {
  if (index >= m.chunks.size()) return InvalidArgument(ChunkName(m, index) + ": the snapshot has no such chunk");
  if (bytes.size() > kMaxSealedChunkBytes) return InvalidArgument(ChunkName(m, index) + " is too large");
  if (DigestBytes(Sha256(bytes)) != m.chunks[index].hash) {
    return DataLoss(ChunkName(m, index) + " is not the one the node signed (altered or replaced)");
  }
  return OkStatus();
}

Result<std::string> OpenSnapshotChunk(const SnapshotManifest& m, size_t index, std::string_view bytes,
                                      std::string_view data_key) {
  RETURN_IF_ERROR(CheckSnapshotChunk(m, index, bytes));
  if (DataKeyId(data_key) != m.key_id) {
    return PermissionDenied("the snapshot was sealed with data key " + m.key_id + ", not this one");
  }
  if (bytes.size() < kSealNonceBytes) return DataLoss(ChunkName(m, index) + " is truncated");
  ASSIGN_OR_RETURN(std::string plain,
                   OpenAndDecompress(bytes.substr(kSealNonceBytes), data_key, bytes.substr(0, kSealNonceBytes),
                                     SnapshotChunkAad(m, index), kSnapshotChunkBytes, ChunkName(m, index)));
  if (static_cast<int64_t>(plain.size()) != m.chunks[index].bytes) {
    return DataLoss(ChunkName(m, index) + " holds another size than the manifest says");
  }
  return plain;
}

}  // namespace riik::embassy
