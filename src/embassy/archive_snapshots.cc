// The embassy's keeping of store snapshots (snapshot.h): chunks as they arrive, the
// signed manifest last, each chunk checked against it.
#include <openssl/x509.h>

#include <algorithm>
#include <charconv>

#include "core/file.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/snapshot.h"

namespace riik::embassy {
namespace {

constexpr const char* kManifest = "/manifest.json";

}  // namespace

std::string SnapshotChunkPath(const std::string& snapshot_dir, size_t index) {
  std::string digits = std::to_string(index);
  return snapshot_dir + "/" + std::string(6 - std::min<size_t>(6, digits.size()), '0') + digits + ".chunk";
}

Result<std::vector<ArchivedSnapshot>> ListSnapshots(const std::string& node_dir, Env& env) {
  std::vector<ArchivedSnapshot> out;
  const std::string dir = node_dir + "/snapshots";
  auto names = env.GetChildren(dir);
  if (!names.ok()) {
    if (names.status().code() == Code::kNotFound) return out;
    return names.status();
  }
  for (const std::string& name : *names) {
    if (IsTemporaryName(name)) continue;
    const std::string path = dir + "/" + name;
    int64_t seq = 0;
    auto [p, err] = std::from_chars(name.data(), name.data() + name.size(), seq);
    auto info = env.Stat(path);
    if (!info.ok() || !info->is_directory || name.size() != PaddedSeq(0).size() || err != std::errc() ||
        p != name.data() + name.size()) {
      return DataLoss("unexpected " + path + " among the snapshots");
    }
    if (!Exists(env, path + kManifest)) continue;  // still arriving
    out.push_back({seq, path});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

Result<int64_t> CheckArchivedSnapshot(const ArchivedSnapshot& s, const std::string& node, EVP_PKEY* signer, Env& env) {
  const std::string which = "snapshot " + s.dir.substr(s.dir.find_last_of('/') + 1);
  ASSIGN_OR_RETURN(std::string text, env.ReadFile(s.dir + kManifest));
  auto m = CheckSnapshotManifest(text, signer);
  if (!m.ok()) return m.status().WithContext(which);
  if (m->node != node || m->seq != s.seq) return DataLoss(which + " is not " + node + "'s snapshot at its seq");
  for (size_t i = 0; i < m->chunks.size(); ++i) {
    auto bytes = env.ReadFile(SnapshotChunkPath(s.dir, i));
    if (!bytes.ok()) return DataLoss(which + " is missing chunk " + std::to_string(i));
    RETURN_IF_ERROR(CheckSnapshotChunk(*m, i, *bytes));
  }
  return m->seq;
}

std::string Archive::SnapshotDir(const std::string& node, int64_t seq) const {
  return NodeDir(node) + "/snapshots/" + PaddedSeq(seq);
}

Status Archive::PutSnapshotChunk(const std::string& node, int64_t seq, size_t index, std::string_view bytes) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  if (seq < 1) return InvalidArgument("a snapshot's seq is at least 1");
  if (index >= static_cast<size_t>(kMaxSnapshotChunks)) return InvalidArgument("a snapshot has at most 10,000 chunks");
  if (bytes.size() > kMaxSealedChunkBytes) return InvalidArgument("a sealed snapshot chunk is at most 20 MiB");
  std::string dir = SnapshotDir(node, seq);
  {
    std::lock_guard lock(mu_);
    auto it = heads_.find(node);
    if (it == heads_.end()) return FailedPrecondition("this embassy holds nothing of " + node);
    if (seq == it->second.snapshot_seq) {
      return AlreadyExists("the snapshot of " + node + " at seq " + std::to_string(seq) + " is complete here");
    }
    if (seq < it->second.snapshot_seq) {
      return FailedPrecondition("this embassy holds " + node + "'s snapshot at seq " +
                                std::to_string(it->second.snapshot_seq) +
                                " already; a chunk of an older one is refused");
    }
    // One snapshot arrives at a time: a chunk of another seq drops any other that is
    // still without its manifest (its sender has moved on), so chunks never pile up.
    bool dropped = false;
    auto names = env_.GetChildren(NodeDir(node) + "/snapshots");
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
      const std::string other = NodeDir(node) + "/snapshots/" + name;
      if (other != dir && !Exists(env_, other + kManifest)) {
        RETURN_IF_ERROR(RemoveTree(env_, other));
        dropped = true;
      }
    }
    if (dropped) RemeasureLocked(node);
    RETURN_IF_ERROR(ChargeLocked(node, bytes.size()));
  }
  if (Exists(env_, dir + kManifest))
    return AlreadyExists("the snapshot of " + node + " at seq " + std::to_string(seq) + " is complete here");
  Status written = CreateDirsDurably(env_, dir, /*private_dir=*/true);
  if (written.ok()) written = WriteFileAtomic(env_, SnapshotChunkPath(dir, index), bytes, /*secret=*/false);
  if (!written.ok() && quota_bytes_ != 0) {
    std::lock_guard lock(mu_);
    RemeasureLocked(node);  // charged above, not written
  }
  return written;
}

Status Archive::PutSnapshot(const std::string& node, std::string_view manifest) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  UniquePtr<X509> signer;
  int64_t last_seq = 0;
  {
    std::lock_guard lock(mu_);
    auto it = heads_.find(node);
    if (it == heads_.end()) return FailedPrecondition("this embassy holds nothing of " + node);
    ASSIGN_OR_RETURN(signer, SignerLocked(node));
    last_seq = it->second.last_seq;
  }
  ASSIGN_OR_RETURN(SnapshotManifest m, CheckSnapshotManifest(manifest, X509_get0_pubkey(signer.get())));
  if (m.node != node) return InvalidArgument("the snapshot is " + m.node + "'s, sent as " + node + "'s");
  if (m.seq > last_seq) {
    return FailedPrecondition("the snapshot is at seq " + std::to_string(m.seq) + "; this embassy holds " + node +
                              " up to seq " + std::to_string(last_seq) + ": ship the segments first");
  }
  ArchivedSnapshot s{m.seq, SnapshotDir(node, m.seq)};
  for (size_t i = 0; i < m.chunks.size(); ++i) {
    auto bytes = env_.ReadFile(SnapshotChunkPath(s.dir, i));
    if (!bytes.ok()) {
      return FailedPrecondition("chunk " + std::to_string(i) + " of the snapshot at seq " + std::to_string(m.seq) +
                                " has not arrived");
    }
    RETURN_IF_ERROR(CheckSnapshotChunk(m, i, *bytes));
  }
  RETURN_IF_ERROR(WriteFileAtomic(env_, s.dir + kManifest, manifest, /*secret=*/false));
  // Earlier snapshots that never got their manifest will not: their chunks go; and of
  // the complete ones, all but the newest keep_snapshots_. A failure here leaves files
  // that the next snapshot removes; the new one is complete either way.
  auto names = env_.GetChildren(NodeDir(node) + "/snapshots");
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
    const std::string other = NodeDir(node) + "/snapshots/" + name;
    if (name < PaddedSeq(m.seq) && !Exists(env_, other + kManifest)) (void)RemoveTree(env_, other);
  }
  auto complete = ListSnapshots(NodeDir(node), env_);
  if (complete.ok() && complete->size() > keep_snapshots_) {
    for (size_t i = 0; i + keep_snapshots_ < complete->size(); ++i) {
      // The manifest first: a directory without one is never used, even half removed.
      if (env_.RemoveFile((*complete)[i].dir + kManifest).ok()) (void)RemoveTree(env_, (*complete)[i].dir);
    }
  }
  std::lock_guard lock(mu_);
  ArchiveHead& head = heads_[node];
  head.snapshot_seq = std::max(head.snapshot_seq, m.seq);
  if (quota_bytes_ != 0) RemeasureLocked(node);  // pruned above
  return OkStatus();
}

}  // namespace riik::embassy
