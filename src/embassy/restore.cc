// Restoring a node from an embassy archive.
#include "embassy/restore.h"

#include <openssl/x509.h>

#include <filesystem>
#include <map>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/checkpoint.h"
#include "embassy/data_key.h"
#include "embassy/segment.h"
#include "exchange/trust_checks.h"

namespace riik::embassy {
namespace {

// Entries are replayed in transactions of about this many.
constexpr size_t kApplyBatch = 2048;

}  // namespace

Result<RestoreReport> RestoreNode(const RestoreOptions& o) {
  RestoreReport report;
  ASSIGN_OR_RETURN(std::vector<ArchivedSegment> segments, ListSegments(o.node_dir));
  if (segments.empty()) return NotFound("the archive holds no segments of " + o.node + " in " + o.node_dir);
  report.archive_last_seq = segments.back().last_seq;
  for (const auto& s : segments) report.archive_bytes += s.bytes;
  ASSIGN_OR_RETURN(std::string signer_pem, ReadFile(o.node_dir + "/signer.pem"));
  ASSIGN_OR_RETURN(std::vector<UniquePtr<X509>> chain, ParseCertificatesPem(signer_pem));
  report.signer = SubjectString(chain[0].get());
  if (!o.trust_root_pem.empty()) {
    ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(o.trust_root_pem));
    RETURN_IF_ERROR(exchange::VerifySignerChain(chain, root.get(), NowMicros(), "the segments' signer"));
  }
  EVP_PKEY* signer = X509_get0_pubkey(chain[0].get());

  // The checkpoint to meet: the latest within the target (seq, time, what is archived).
  std::optional<Checkpoint> goal;
  ASSIGN_OR_RETURN(std::vector<ArchivedCheckpoint> checkpoints, ListCheckpoints(o.node_dir));
  for (const ArchivedCheckpoint& a : checkpoints) {
    if (a.seq > report.archive_last_seq || (o.until_seq && a.seq > *o.until_seq)) continue;
    ASSIGN_OR_RETURN(std::string text, ReadFile(a.path));
    auto c = CheckCheckpoint(text, signer);
    if (!c.ok()) return c.status().WithContext(o.node + " checkpoint " + std::to_string(a.seq));
    if (c->node != o.node || c->seq != a.seq)
      return DataLoss(a.path + " is not " + o.node + "'s checkpoint at its seq");
    if (o.until_time && c->time_us > *o.until_time) continue;
    if (!goal || c->seq > goal->seq) goal = *c;
  }

  ASSIGN_OR_RETURN(auto target, store::Store::Open(store::StoreOptions{o.store_url, o.node}));
  if (target->Head().seq != 0) {
    return FailedPrecondition("the store to restore into already holds " + o.node + " up to seq " +
                              std::to_string(target->Head().seq) + "; restore into a fresh one");
  }
  std::map<std::string, std::string> keys;  // key id -> data key
  auto data_key = [&](const std::string& key_id) -> Result<std::string> {
    if (auto it = keys.find(key_id); it != keys.end()) return it->second;
    auto wrapped = ReadFile(o.node_dir + "/keys/" + key_id + ".json");
    if (!wrapped.ok()) return NotFound("the archive has no wrapped data key " + key_id + " of " + o.node);
    ASSIGN_OR_RETURN(std::string key, UnwrapDataKey(*wrapped, o.master_secret, o.node));
    return keys[key_id] = key;
  };

  std::string prev = FirstSegmentPrev();
  std::optional<store::JournalEntry> last;
  std::vector<store::JournalEntry> pending;
  auto flush = [&]() -> Status {
    if (pending.empty()) return OkStatus();
    auto applied = target->ApplyEntries(pending);
    if (!applied.ok()) return applied.status().WithContext("replaying into the new store");
    report.entries += static_cast<int64_t>(pending.size());
    pending.clear();
    if (o.progress) o.progress(applied->seq, report.archive_last_seq);
    if (goal && applied->seq == goal->seq) {
      ASSIGN_OR_RETURN(store::StateDigest d, target->Digest());
      if (d.digest != goal->digest) {
        return DataLoss("the state rebuilt at seq " + std::to_string(goal->seq) + " has digest " + HexEncode(d.digest) +
                        ", but the node signed " + HexEncode(goal->digest) + " for it");
      }
      report.checkpoint_seq = goal->seq;
      report.checkpoint_digest = goal->digest;
    }
    return OkStatus();
  };
  bool done = false;
  for (const ArchivedSegment& s : segments) {
    if (done) break;
    std::string name = std::filesystem::path(s.path).filename().string();
    ASSIGN_OR_RETURN(std::string bytes, ReadFile(s.path));
    ASSIGN_OR_RETURN(SegmentHeader header, PeekSegmentHeader(bytes));
    ASSIGN_OR_RETURN(std::string key, data_key(header.key_id));
    auto entries = OpenSegment(bytes, key, signer, prev, last ? &*last : nullptr);
    if (!entries.ok()) return entries.status().WithContext(o.node + " segment " + name);
    prev = SegmentHash(bytes);
    report.segments++;
    for (store::JournalEntry& e : *entries) {
      if ((o.until_seq && e.seq > *o.until_seq) || (o.until_time && e.time > *o.until_time)) {
        done = true;
        break;
      }
      last = e;
      int64_t seq = e.seq;
      pending.push_back(std::move(e));
      if (pending.size() >= kApplyBatch || (goal && seq == goal->seq)) RETURN_IF_ERROR(flush());
    }
  }
  RETURN_IF_ERROR(flush());
  if (o.until_seq && (!last || last->seq < *o.until_seq)) {
    return NotFound("the archive holds " + o.node + " only up to seq " + std::to_string(last ? last->seq : 0) +
                    ", not " + std::to_string(*o.until_seq));
  }
  report.head = target->Head();
  ASSIGN_OR_RETURN(report.digest, target->Digest());
  return report;
}

}  // namespace riik::embassy
