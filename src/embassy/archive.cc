// The embassy's segment archive.
#include "embassy/archive.h"

#include <openssl/x509.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/x509.h"
#include "embassy/checkpoint.h"

namespace riik::embassy {
namespace {

constexpr size_t kSeqDigits = 20;

std::string SegmentName(int64_t first, int64_t last) { return PaddedSeq(first) + "-" + PaddedSeq(last) + ".seg"; }

// FIRST-LAST.seg, both 20 digits.
bool ParseSegmentName(const std::string& name, int64_t& first, int64_t& last) {
  if (name.size() != 2 * kSeqDigits + 5 || name[kSeqDigits] != '-' || !name.ends_with(".seg")) return false;
  auto parse = [&](size_t at, int64_t& out) {
    auto [p, ec] = std::from_chars(name.data() + at, name.data() + at + kSeqDigits, out);
    return ec == std::errc() && p == name.data() + at + kSeqDigits && out > 0;
  };
  return parse(0, first) && parse(kSeqDigits + 1, last) && last >= first;
}

Result<UniquePtr<X509>> ReadSigner(const std::string& node_dir, Env& env) {
  ASSIGN_OR_RETURN(std::string pem, env.ReadFile(node_dir + "/signer.pem"));
  return ParseCertificatePem(pem);
}

// The names in `dir` that are not a write in progress, sorted; none when it is missing.
Result<std::vector<std::string>> Listing(const std::string& dir, Env& env) {
  auto names = env.GetChildren(dir);
  if (!names.ok()) {
    if (names.status().code() == Code::kNotFound) return std::vector<std::string>{};
    return names.status();
  }
  std::erase_if(*names, [](const std::string& n) { return IsTemporaryName(n); });
  std::sort(names->begin(), names->end());
  return names;
}

std::vector<std::string> KeyIds(const std::string& node_dir, Env& env) {
  std::vector<std::string> ids;
  auto names = Listing(node_dir + "/keys", env);
  if (!names.ok()) return ids;
  for (const std::string& name : *names) {
    if (name.ends_with(".json")) ids.push_back(name.substr(0, name.size() - 5));
  }
  return ids;
}

// The bytes of the files under `path`.
uint64_t TreeBytes(const std::string& path, Env& env) {
  auto info = env.Stat(path);
  if (!info.ok()) return 0;
  if (!info->is_directory) return info->size;
  uint64_t total = 0;
  auto names = env.GetChildren(path);
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
    total += TreeBytes(path + "/" + name, env);
  }
  return total;
}

}  // namespace

std::string PaddedSeq(int64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(kSeqDigits - std::min(kSeqDigits, digits.size()), '0') + digits;
}

bool ValidNodeName(std::string_view node) {
  if (node.empty() || node.size() > 63) return false;
  return std::all_of(node.begin(), node.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Json ArchiveHead::ToJson() const {
  Json j = {
      {"node", node},   {"last_seq", last_seq}, {"hash", HexEncode(hash)},      {"segments", segments},
      {"bytes", bytes}, {"key_ids", key_ids},   {"snapshot_seq", snapshot_seq}, {"last_received_us", last_received_us}};
  j["problem"] = problem.ok() ? Json(nullptr) : Json(problem.message());
  return j;
}

Result<std::vector<ArchivedSegment>> ListSegments(const std::string& node_dir, Env& env) {
  std::vector<ArchivedSegment> out;
  const std::string dir = node_dir + "/segments";
  ASSIGN_OR_RETURN(std::vector<std::string> names, Listing(dir, env));
  for (const std::string& name : names) {
    ArchivedSegment s;
    s.path = dir + "/" + name;
    if (!ParseSegmentName(name, s.first_seq, s.last_seq))
      return DataLoss("unexpected file " + s.path + " among the segments");
    auto info = env.Stat(s.path);
    s.bytes = info.ok() ? static_cast<int64_t>(info->size) : 0;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first_seq < b.first_seq; });
  return out;
}

Result<std::vector<ArchivedCheckpoint>> ListCheckpoints(const std::string& node_dir, Env& env) {
  std::vector<ArchivedCheckpoint> out;
  ASSIGN_OR_RETURN(std::vector<std::string> names, Listing(node_dir + "/checkpoints", env));
  for (const std::string& name : names) {
    int64_t seq = 0;
    if (name.size() != kSeqDigits + 5 || !name.ends_with(".json")) continue;
    auto [p, err] = std::from_chars(name.data(), name.data() + kSeqDigits, seq);
    if (err != std::errc() || p != name.data() + kSeqDigits) continue;
    out.push_back({seq, node_dir + "/checkpoints/" + name});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

std::string LatestDrill(const std::string& node_dir, Env& env) {
  std::string latest;
  auto names = Listing(node_dir + "/drills", env);
  if (!names.ok()) return "";
  for (const std::string& name : *names) {
    if (name.ends_with(".json") && name > latest) latest = name;
  }
  if (latest.empty()) return "";
  auto text = env.ReadFile(node_dir + "/drills/" + latest);
  return text.ok() ? *text : "";
}

Result<ArchiveHead> CheckNodeDirectory(const std::string& node_dir, const std::string& node,
                                       const std::function<void(size_t, size_t)>& progress, Env& env) {
  ArchiveHead head;
  head.node = node;
  head.hash = FirstSegmentPrev();
  head.key_ids = KeyIds(node_dir, env);
  head.last_drill = LatestDrill(node_dir, env);
  ASSIGN_OR_RETURN(std::vector<ArchivedCheckpoint> checkpoints, ListCheckpoints(node_dir, env));
  if (!checkpoints.empty()) head.checkpoint_seq = checkpoints.back().seq;
  ASSIGN_OR_RETURN(std::vector<ArchivedSegment> segments, ListSegments(node_dir, env));
  ASSIGN_OR_RETURN(std::vector<ArchivedSnapshot> snapshots, ListSnapshots(node_dir, env));
  if (segments.empty() && snapshots.empty()) return head;
  auto signer = ReadSigner(node_dir, env);
  if (!signer.ok()) return DataLoss(node + " has segments but no readable signer.pem: " + signer.status().message());
  EVP_PKEY* key = X509_get0_pubkey(signer->get());
  for (const ArchivedSnapshot& s : snapshots) {
    auto checked = CheckArchivedSnapshot(s, node, key, env);
    if (!checked.ok()) return DataLoss(node + ": " + checked.status().message());
    head.snapshot_seq = std::max(head.snapshot_seq, s.seq);
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const ArchivedSegment& s = segments[i];
    std::string name = s.path.substr(s.path.find_last_of('/') + 1);
    if (s.first_seq != head.last_seq + 1) {
      return DataLoss(node + ": segment " + name + " does not follow seq " + std::to_string(head.last_seq) +
                      (s.first_seq > head.last_seq + 1 ? " (segments are missing)" : " (segments overlap)"));
    }
    ASSIGN_OR_RETURN(std::string bytes, env.ReadFile(s.path));
    auto checked = CheckSegment(bytes, key, head.hash);
    if (!checked.ok()) return DataLoss(node + ": segment " + name + ": " + checked.status().message());
    if (checked->header.node != node || checked->header.first_seq != s.first_seq ||
        checked->header.last_seq != s.last_seq) {
      return DataLoss(node + ": segment " + name + " holds " + checked->header.node + " seqs " +
                      std::to_string(checked->header.first_seq) + ".." + std::to_string(checked->header.last_seq));
    }
    head.last_seq = s.last_seq;
    head.hash = checked->hash;
    head.segments++;
    head.bytes += s.bytes;
    head.last_received_us = std::max(head.last_received_us, checked->header.created_us);
    if (progress) progress(i + 1, segments.size());
  }
  if (head.snapshot_seq > head.last_seq) {
    return DataLoss(node + ": a snapshot at seq " + std::to_string(head.snapshot_seq) + " is past the segments (seq " +
                    std::to_string(head.last_seq) + "): segments are missing");
  }
  return head;
}

Result<std::unique_ptr<Archive>> Archive::Open(const std::string& root, Env& env) {
  RETURN_IF_ERROR(
      CreateDirsDurably(env, root, /*private_dir=*/true).WithContext("cannot create the archive directory"));
  std::unique_ptr<Archive> archive(new Archive(root, env));
  ASSIGN_OR_RETURN(std::vector<std::string> names, Listing(root, env));
  for (const std::string& node : names) {
    auto info = env.Stat(root + "/" + node);
    if (!info.ok() || !info->is_directory || !ValidNodeName(node)) continue;
    auto head = CheckNodeDirectory(root + "/" + node, node, nullptr, env);
    if (head.ok()) {
      archive->heads_[node] = std::move(*head);
    } else {
      ArchiveHead broken;
      broken.node = node;
      broken.problem = head.status();
      archive->heads_[node] = std::move(broken);
    }
  }
  return archive;
}

Result<UniquePtr<X509>> Archive::SignerLocked(const std::string& node) {
  auto it = signers_.find(node);
  if (it == signers_.end()) {
    auto kept = env_.ReadFile(NodeDir(node) + "/signer.pem");
    if (!kept.ok()) return FailedPrecondition("no signer is set for " + node + " (PUT its certificate first)");
    it = signers_.emplace(node, std::move(*kept)).first;
  }
  return ParseCertificatePem(it->second);
}

Status Archive::ChargeLocked(const std::string& node, uint64_t bytes) {
  if (quota_bytes_ == 0) return OkStatus();
  if (used_.find(node) == used_.end()) RemeasureLocked(node);
  uint64_t& used = used_[node];
  if (used + bytes > quota_bytes_) {
    return ResourceExhausted(node + " holds " + std::to_string(used >> 20) + " MiB here and its quota is " +
                             std::to_string(quota_bytes_ >> 20) + " MiB: " + std::to_string(bytes) +
                             " bytes more are refused (the operator raises quota_mib or moves the archive)");
  }
  used += bytes;
  return OkStatus();
}

void Archive::RemeasureLocked(const std::string& node) { used_[node] = TreeBytes(NodeDir(node), env_); }

Status Archive::PutSigner(const std::string& node, const std::string& signer_pem) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  if (signer_pem.size() > 64 * 1024) return InvalidArgument("a signer's certificate chain is at most 64 KiB");
  RETURN_IF_ERROR(ParseCertificatesPem(signer_pem).status());
  std::lock_guard lock(mu_);
  std::string dir = NodeDir(node);
  auto kept = env_.ReadFile(dir + "/signer.pem");
  if (kept.ok() && *kept == signer_pem) {
    signers_[node] = signer_pem;
    return OkStatus();
  }
  auto it = heads_.find(node);
  if (kept.ok() && it != heads_.end() && it->second.segments > 0) {
    return PermissionDenied(node + "'s segments here are signed by another certificate; this embassy keeps " +
                            "the first signer of a node");
  }
  RETURN_IF_ERROR(CreateDirsDurably(env_, dir, /*private_dir=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(env_, dir + "/signer.pem", signer_pem, /*secret=*/false));
  signers_[node] = signer_pem;
  return OkStatus();
}

Result<ArchiveHead> Archive::Append(const std::string& node, std::string_view bytes) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  // One append at a time per node (its chain); nodes' appends and fsyncs run side by side.
  std::mutex* node_mu;
  {
    std::lock_guard lock(mu_);
    auto& m = node_mu_[node];
    if (!m) m = std::make_unique<std::mutex>();
    node_mu = m.get();
  }
  std::lock_guard node_lock(*node_mu);
  UniquePtr<X509> signer;
  ArchiveHead head;
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(signer, SignerLocked(node));
    auto [it, fresh] = heads_.try_emplace(node);
    if (fresh) {
      it->second.node = node;
      it->second.hash = FirstSegmentPrev();
    }
    head = it->second;
  }
  if (!head.problem.ok()) {
    return DataLoss("this embassy's copy of " + node + " failed its check and takes no more segments until an " +
                    "operator has looked: " + head.problem.message());
  }
  std::string dir = NodeDir(node);
  ASSIGN_OR_RETURN(SegmentHeader peeked, PeekSegmentHeader(bytes));
  if (peeked.node != node) return InvalidArgument("the segment is " + peeked.node + "'s, sent as " + node + "'s");
  if (peeked.first_seq != head.last_seq + 1) {
    return FailedPrecondition("the segment starts at seq " + std::to_string(peeked.first_seq) +
                              "; this embassy holds " + node + " up to seq " + std::to_string(head.last_seq));
  }
  ASSIGN_OR_RETURN(SealedSegment checked, CheckSegment(bytes, X509_get0_pubkey(signer.get()), head.hash));
  const SegmentHeader& h = checked.header;
  RETURN_IF_ERROR(CreateDirsDurably(env_, dir + "/segments", /*private_dir=*/true));
  {
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(ChargeLocked(node, bytes.size()));
  }
  Status written = WriteFileAtomic(env_, dir + "/segments/" + SegmentName(h.first_seq, h.last_seq), bytes, false);
  std::lock_guard lock(mu_);
  if (!written.ok()) {
    if (quota_bytes_ != 0) RemeasureLocked(node);  // charged above, not written
    return written;
  }
  ArchiveHead& kept = heads_[node];
  kept.last_seq = h.last_seq;
  kept.hash = checked.hash;
  kept.segments++;
  kept.bytes += static_cast<int64_t>(bytes.size());
  kept.last_received_us = env_.NowMicros();
  return kept;
}

Status Archive::PutCheckpoint(const std::string& node, std::string_view text) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  std::lock_guard lock(mu_);
  auto it = heads_.find(node);
  if (it == heads_.end()) return FailedPrecondition("this embassy holds nothing of " + node);
  ASSIGN_OR_RETURN(UniquePtr<X509> signer, SignerLocked(node));
  ASSIGN_OR_RETURN(Checkpoint c, CheckCheckpoint(text, X509_get0_pubkey(signer.get())));
  if (c.node != node) return InvalidArgument("the checkpoint is " + c.node + "'s, sent as " + node + "'s");
  if (c.seq > it->second.last_seq) {
    return FailedPrecondition("the checkpoint is at seq " + std::to_string(c.seq) + "; this embassy holds " + node +
                              " up to seq " + std::to_string(it->second.last_seq));
  }
  std::string dir = NodeDir(node) + "/checkpoints";
  RETURN_IF_ERROR(ChargeLocked(node, text.size()));
  RETURN_IF_ERROR(CreateDirsDurably(env_, dir, /*private_dir=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(env_, dir + "/" + PaddedSeq(c.seq) + ".json", text, false));
  it->second.checkpoint_seq = std::max(it->second.checkpoint_seq, c.seq);
  return OkStatus();
}

Status Archive::PutKey(const std::string& node, std::string_view wrapped) {
  if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name (1 to 63 of a-z, 0-9, _)");
  auto doc = ParseJson(wrapped, JsonLimits{4096, 2});
  if (!doc.ok() || !doc->is_object() || StringOr(*doc, "format") != "riik-wrapped-key-v1" ||
      StringOr(*doc, "node") != node) {
    return InvalidArgument("not a riik-wrapped-key-v1 document of node " + node);
  }
  std::string key_id = StringOr(*doc, "key_id");
  if (key_id.size() != 16 || key_id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgument("the wrapped key's key_id is not 16 hex digits");
  }
  std::lock_guard lock(mu_);
  std::string dir = NodeDir(node) + "/keys";
  RETURN_IF_ERROR(CreateDirsDurably(env_, dir, /*private_dir=*/true));
  std::string path = dir + "/" + key_id + ".json";
  if (Exists(env_, path)) return OkStatus();  // kept once; a key id names one key
  RETURN_IF_ERROR(ChargeLocked(node, wrapped.size()));
  RETURN_IF_ERROR(WriteFileAtomic(env_, path, wrapped, /*secret=*/false));
  auto [it, fresh] = heads_.try_emplace(node);
  if (fresh) {
    it->second.node = node;
    it->second.hash = FirstSegmentPrev();
  }
  it->second.key_ids = KeyIds(NodeDir(node), env_);
  return OkStatus();
}

Result<ArchiveHead> Archive::Head(const std::string& node) const {
  std::lock_guard lock(mu_);
  auto it = heads_.find(node);
  if (it != heads_.end()) {
    ArchiveHead head = it->second;
    head.last_drill = LatestDrill(NodeDir(node), env_);  // drills are run beside the embassy, on its files
    return head;
  }
  if (it == heads_.end()) {
    if (!ValidNodeName(node)) return InvalidArgument("'" + node + "' is not a node name");
    ArchiveHead empty;
    empty.node = node;
    empty.hash = FirstSegmentPrev();
    return empty;
  }
  return it->second;
}

std::vector<ArchiveHead> Archive::Heads() const {
  std::lock_guard lock(mu_);
  std::vector<ArchiveHead> out;
  for (const auto& [node, head] : heads_) {
    out.push_back(head);
    out.back().last_drill = LatestDrill(NodeDir(node), env_);
  }
  return out;
}

}  // namespace riik::embassy
