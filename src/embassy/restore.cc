// Restoring a node from an embassy archive.
#include "embassy/restore.h"

#include <openssl/x509.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

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

// Entries are replayed in transactions of about this many, or this many bytes of changes.
constexpr size_t kApplyBatch = 2048;
constexpr size_t kApplyBatchBytes = 4 << 20;

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
  // One thread opens segments (read, check, decrypt, decompress, check every entry's
  // hash and link) and parses each entry's changes, handing them over an entry at a
  // time, while this one replays: the two halves take about as long.
  std::mutex mu;
  std::condition_variable changed;
  struct Opened {  // one entry, its changes parsed and checked canonical; or the end
    store::JournalEntry entry;
    Json changes;
    bool segment_start = false;
    bool end = false;
  };
  constexpr size_t kQueue = 16;
  std::deque<Result<Opened>> opened;
  bool cancelled = false;
  std::thread opener([&] {
    std::map<std::string, std::string> keys;  // key id -> data key
    auto data_key = [&](const std::string& key_id) -> Result<std::string> {
      if (auto it = keys.find(key_id); it != keys.end()) return it->second;
      auto wrapped = ReadFile(o.node_dir + "/keys/" + key_id + ".json");
      if (!wrapped.ok()) return NotFound("the archive has no wrapped data key " + key_id + " of " + o.node);
      ASSIGN_OR_RETURN(std::string key, UnwrapDataKey(*wrapped, o.master_secret, o.node));
      return keys[key_id] = key;
    };
    auto push = [&](Result<Opened> item) {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return cancelled || opened.size() < kQueue; });
      if (cancelled) return false;
      opened.push_back(std::move(item));
      changed.notify_all();
      return true;
    };
    auto open = [&](const ArchivedSegment& s, std::string& prev,
                    std::optional<store::JournalEntry>& last) -> Result<std::vector<store::JournalEntry>> {
      std::string name = std::filesystem::path(s.path).filename().string();
      ASSIGN_OR_RETURN(std::string bytes, ReadFile(s.path));
      ASSIGN_OR_RETURN(SegmentHeader header, PeekSegmentHeader(bytes));
      ASSIGN_OR_RETURN(std::string key, data_key(header.key_id));
      auto entries = OpenSegment(bytes, key, signer, prev, last ? &*last : nullptr);
      if (!entries.ok()) return entries.status().WithContext(o.node + " segment " + name);
      prev = SegmentHash(bytes);
      if (!entries->empty()) last = entries->back();
      return entries;
    };
    std::string prev = FirstSegmentPrev();
    std::optional<store::JournalEntry> last;
    for (const ArchivedSegment& s : segments) {
      auto entries = open(s, prev, last);
      if (!entries.ok()) {
        push(entries.status());
        return;
      }
      for (size_t i = 0; i < entries->size(); ++i) {
        Opened item;
        item.entry = std::move((*entries)[i]);
        item.changes = Json::parse(item.entry.changes, nullptr, false);
        item.segment_start = i == 0;
        Status canonical = store::CheckCanonicalChanges(item.entry, item.changes);
        if (!canonical.ok()) {
          push(canonical);
          return;
        }
        if (!push(std::move(item))) return;
      }
    }
    Opened end;
    end.end = true;
    push(std::move(end));
  });
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  auto next = [&]() -> std::optional<Result<Opened>> {
    auto waiting = Clock::now();
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return !opened.empty(); });
    report.open_wait_s += seconds_since(waiting);
    auto r = std::move(opened.front());
    opened.pop_front();
    changed.notify_all();
    return r;
  };
  auto stop_opener = [&] {
    {
      std::lock_guard lock(mu);
      cancelled = true;
    }
    changed.notify_all();
    opener.join();
  };

  std::optional<store::JournalEntry> last;
  std::optional<store::StateDigest> digest_at_goal;
  std::vector<store::JournalEntry> pending;
  std::vector<Json> pending_changes;
  size_t pending_bytes = 0;
  auto flush = [&]() -> Status {
    if (pending.empty()) return OkStatus();
    auto replaying = Clock::now();
    auto applied = target->ApplyParsedEntries(pending, pending_changes);
    report.replay_s += seconds_since(replaying);
    if (!applied.ok()) return applied.status().WithContext("replaying into the new store");
    report.entries += static_cast<int64_t>(pending.size());
    pending.clear();
    pending_changes.clear();
    pending_bytes = 0;
    if (o.progress) o.progress(applied->seq, report.archive_last_seq);
    if (goal && applied->seq == goal->seq) {
      auto digesting = Clock::now();
      ASSIGN_OR_RETURN(digest_at_goal, target->Digest());
      report.digest_s += seconds_since(digesting);
      if (digest_at_goal->digest != goal->digest) {
        return DataLoss("the state rebuilt at seq " + std::to_string(goal->seq) + " has digest " +
                        HexEncode(digest_at_goal->digest) + ", but the node signed " + HexEncode(goal->digest) +
                        " for it");
      }
      report.checkpoint_seq = goal->seq;
      report.checkpoint_digest = goal->digest;
    }
    return OkStatus();
  };
  auto replay = [&]() -> Status {
    while (true) {
      auto item = next();
      RETURN_IF_ERROR(item->status());
      Opened& e = **item;
      if (e.end) return flush();
      if (e.segment_start) report.segments++;
      if ((o.until_seq && e.entry.seq > *o.until_seq) || (o.until_time && e.entry.time > *o.until_time)) return flush();
      last = e.entry;
      int64_t seq = e.entry.seq;
      pending_bytes += e.entry.changes.size();
      pending.push_back(std::move(e.entry));
      pending_changes.push_back(std::move(e.changes));
      if (pending.size() >= kApplyBatch || pending_bytes >= kApplyBatchBytes || (goal && seq == goal->seq)) {
        RETURN_IF_ERROR(flush());
      }
    }
  };
  Status replayed = replay();
  stop_opener();
  RETURN_IF_ERROR(replayed);
  if (o.until_seq && (!last || last->seq < *o.until_seq)) {
    return NotFound("the archive holds " + o.node + " only up to seq " + std::to_string(last ? last->seq : 0) +
                    ", not " + std::to_string(*o.until_seq));
  }
  report.head = target->Head();
  if (digest_at_goal && digest_at_goal->seq == report.head.seq) {
    report.digest = *digest_at_goal;
  } else {
    auto digesting = Clock::now();
    ASSIGN_OR_RETURN(report.digest, target->Digest());
    report.digest_s += seconds_since(digesting);
  }
  return report;
}

}  // namespace riik::embassy
