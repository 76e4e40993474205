// Restoring a node from an embassy archive.
#include "embassy/restore.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
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
#include "embassy/snapshot.h"
#include "store/sqlite_snapshot.h"
#include "trust/chain_checks.h"

namespace riik::embassy {
namespace {

// Entries are replayed in transactions of about this many, or this many bytes of changes.
constexpr size_t kApplyBatch = 2048;
constexpr size_t kApplyBatchBytes = 4 << 20;

// Deletes an SQLite store's files (a restore's own, after it failed).
void RemoveStoreFiles(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", ".owner"}) std::filesystem::remove(path + suffix, ec);
}

// Writes the snapshot in `dir` back to a new file at `path`: every chunk checked against
// the manifest, decrypted and decompressed, in order.
Status WriteSnapshotFile(const SnapshotManifest& m, const std::string& dir, const std::string& path,
                         const std::string& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot create " + path + ": " + std::strerror(errno));
  Status st;
  for (size_t i = 0; i < m.chunks.size() && st.ok(); ++i) {
    auto sealed = ReadFile(SnapshotChunkPath(dir, i));
    if (!sealed.ok()) {
      st = DataLoss("chunk " + std::to_string(i) + " of the snapshot is missing");
      break;
    }
    auto plain = OpenSnapshotChunk(m, i, *sealed, key);
    if (!plain.ok()) {
      st = plain.status();
      break;
    }
    for (size_t at = 0; at < plain->size();) {
      ssize_t n = ::write(fd, plain->data() + at, plain->size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        st = Unavailable("writing " + path + ": " + std::strerror(errno));
        break;
      }
      at += static_cast<size_t>(n);
    }
  }
  // Synced once its journal is filled in (SnapshotJournalFiller::Finish); the disk can
  // start on it meanwhile.
  if (st.ok()) (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  ::close(fd);
  return st;
}

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
  // Always: an archive whose signer, keys and segments were all replaced together must
  // not restore as the state's. The root comes from the custodians' shares or the
  // operator, never from the archive.
  if (o.trust_root_pem.empty()) {
    return FailedPrecondition("restoring needs the state root the segments' signer must chain to");
  }
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(o.trust_root_pem));
  RETURN_IF_ERROR(trust::VerifySignerChain(chain, root.get(), NowMicros(), "the segments' signer"));
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

  std::map<std::string, std::string> keys;  // key id -> data key (the opener's, once it runs)
  auto data_key = [&](const std::string& key_id) -> Result<std::string> {
    if (auto it = keys.find(key_id); it != keys.end()) return it->second;
    auto wrapped = ReadFile(o.node_dir + "/keys/" + key_id + ".json");
    if (!wrapped.ok()) return NotFound("the archive has no wrapped data key " + key_id + " of " + o.node);
    ASSIGN_OR_RETURN(std::string key, UnwrapDataKey(*wrapped, o.master_secret, o.node));
    return keys[key_id] = key;
  };

  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  // A snapshot to start from: the latest the target and the checkpoint to meet allow.
  std::optional<SnapshotManifest> snapshot;
  std::string snapshot_dir;
  const std::string sqlite_path = o.store_url.starts_with("sqlite:") ? o.store_url.substr(7) : "";
  std::error_code ec;
  if (o.use_snapshots && !sqlite_path.empty() && sqlite_path != ":memory:" &&
      !std::filesystem::exists(sqlite_path, ec)) {
    ASSIGN_OR_RETURN(std::vector<ArchivedSnapshot> snapshots, ListSnapshots(o.node_dir));
    const int64_t limit = goal ? goal->seq : std::min(report.archive_last_seq, o.until_seq.value_or(INT64_MAX));
    for (auto it = snapshots.rbegin(); it != snapshots.rend() && !snapshot; ++it) {
      if (it->seq > limit) continue;
      ASSIGN_OR_RETURN(std::string text, ReadFile(it->dir + "/manifest.json"));
      auto m = CheckSnapshotManifest(text, signer);
      if (!m.ok()) return m.status().WithContext(o.node + " snapshot " + std::to_string(it->seq));
      if (m->node != o.node || m->seq != it->seq) return DataLoss(it->dir + " is not " + o.node + "'s at its seq");
      if (o.until_time && m->head_time_us > *o.until_time) continue;
      snapshot = std::move(*m);
      snapshot_dir = it->dir;
      report.snapshot_seq = snapshot->seq;
    }
  }
  std::string snapshot_key;  // unwrapped before the opener thread shares the key map
  // The data keys leave memory with the restore, however it ends.
  struct WipeKeys {
    std::map<std::string, std::string>& keys;
    std::string& snapshot_key;
    ~WipeKeys() {
      for (auto& [id, key] : keys) OPENSSL_cleanse(key.data(), key.size());
      OPENSSL_cleanse(snapshot_key.data(), snapshot_key.size());
    }
  } wipe_keys{keys, snapshot_key};
  if (snapshot) {
    ASSIGN_OR_RETURN(snapshot_key, data_key(snapshot->key_id));
  }
  // Into a snapshot, the entries up to its seq only fill in its journal; the store is
  // opened once they are all in.
  std::unique_ptr<store::SnapshotJournalFiller> filler;
  std::unique_ptr<store::Store> target;
  // A store file this restore creates is removed again if the restore fails: no half
  // restored store is left to be mistaken for a whole one.
  bool created_file = false;
  if (!snapshot) {
    created_file = !sqlite_path.empty() && sqlite_path != ":memory:" && !std::filesystem::exists(sqlite_path, ec);
    ASSIGN_OR_RETURN(target, store::Store::Open(store::StoreOptions{o.store_url, o.node}));
    if (target->Head().seq != 0) {
      return FailedPrecondition("the store to restore into already holds " + o.node + " up to seq " +
                                std::to_string(target->Head().seq) + "; restore into a fresh one");
    }
  }
  const int64_t parse_after = snapshot ? snapshot->seq : 0;  // entries before need no parsing
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
  // The opener may run this far ahead: entries that only fill a snapshot's journal in
  // weigh their text; parsed ones several times that (the parsed document).
  constexpr size_t kQueueBytes = 512 << 20;
  constexpr size_t kParsedWeight = 8;
  auto weight = [&](const Result<Opened>& item) -> size_t {
    if (!item.ok()) return 0;
    return item->entry.changes.size() * (item->entry.seq > parse_after ? kParsedWeight : 1);
  };
  std::deque<Result<Opened>> opened;
  size_t queued_bytes = 0;
  bool cancelled = false;
  std::thread opener([&] {
    auto push = [&](Result<Opened> item) {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return cancelled || opened.empty() || queued_bytes < kQueueBytes; });
      if (cancelled) return false;
      queued_bytes += weight(item);
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
        item.segment_start = i == 0;
        if (item.entry.seq > parse_after) {
          item.changes = Json::parse(item.entry.changes, nullptr, false);
          Status canonical = store::CheckCanonicalChanges(item.entry, item.changes);
          if (!canonical.ok()) {
            push(canonical);
            return;
          }
        }
        if (!push(std::move(item))) return;
      }
    }
    Opened end;
    end.end = true;
    push(std::move(end));
  });
  auto next = [&]() -> std::optional<Result<Opened>> {
    auto waiting = Clock::now();
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return !opened.empty(); });
    report.open_wait_s += seconds_since(waiting);
    auto r = std::move(opened.front());
    opened.pop_front();
    queued_bytes -= weight(r);
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

  // The snapshot is written back while the opener opens the first segments.
  if (snapshot) {
    auto writing = Clock::now();
    auto opened_filler = [&]() -> Result<std::unique_ptr<store::SnapshotJournalFiller>> {
      RETURN_IF_ERROR(WriteSnapshotFile(*snapshot, snapshot_dir, sqlite_path, snapshot_key));
      ASSIGN_OR_RETURN(auto f, store::SnapshotJournalFiller::Open(sqlite_path));
      if (f->head().seq != snapshot->seq || f->head().hash != snapshot->head_hash) {
        return DataLoss("the snapshot file holds another head than its manifest");
      }
      return f;
    }();
    report.snapshot_s = seconds_since(writing);
    if (!opened_filler.ok()) {
      stop_opener();
      RemoveStoreFiles(sqlite_path);
      return opened_filler.status().WithContext(o.node + " snapshot " + std::to_string(snapshot->seq));
    }
    filler = std::move(*opened_filler);
  }

  std::optional<store::JournalEntry> last;
  std::optional<store::StateDigest> digest_at_goal;
  std::vector<store::JournalEntry> pending;
  std::vector<Json> pending_changes;
  size_t pending_bytes = 0;
  auto check_goal = [&](int64_t seq) -> Status {
    if (!goal || seq != goal->seq) return OkStatus();
    if (snapshot && seq == snapshot->seq && !o.recompute_digest) {
      if (snapshot->digest != goal->digest) {
        return DataLoss("the snapshot at seq " + std::to_string(seq) + " has digest " + HexEncode(snapshot->digest) +
                        ", but the node's checkpoint there says " + HexEncode(goal->digest));
      }
      digest_at_goal = store::StateDigest{seq, snapshot->digest, snapshot->tables, snapshot->rows};
      report.checkpoint_seq = goal->seq;
      report.checkpoint_digest = goal->digest;
      report.digest_checked_by = "the snapshot's signed bytes";
      return OkStatus();
    }
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
    report.digest_checked_by = "recomputed";
    return OkStatus();
  };
  // The pending entries are in the store (or the snapshot's journal): counted, dropped.
  auto consumed = [&] {
    report.entries += static_cast<int64_t>(pending.size());
    pending.clear();
    pending_changes.clear();
    pending_bytes = 0;
  };
  // Fills the pending entries into the snapshot's journal. `complete`: they reach its
  // head, so the file is synced and opened as the store, at the snapshot's state.
  auto fill = [&](bool complete) -> Status {
    auto filling = Clock::now();
    Status filled = filler->Add(pending);
    if (filled.ok() && complete) filled = filler->Finish();
    report.journal_s += seconds_since(filling);
    if (!filled.ok()) return filled.WithContext("filling in the snapshot's journal");
    const int64_t seq = pending.empty() ? 0 : pending.back().seq;
    consumed();
    if (!complete) {
      if (o.progress) o.progress(seq, report.archive_last_seq);
      return OkStatus();
    }
    filler.reset();
    ASSIGN_OR_RETURN(target, store::Store::Open(store::StoreOptions{o.store_url, o.node}));
    if (o.progress) o.progress(target->Head().seq, report.archive_last_seq);
    return check_goal(target->Head().seq);
  };
  auto finish_snapshot = [&]() -> Status { return filler ? fill(/*complete=*/true) : OkStatus(); };
  auto flush = [&]() -> Status {
    if (pending.empty()) return OkStatus();
    if (filler) return fill(/*complete=*/pending.back().seq >= parse_after);
    auto replaying = Clock::now();
    auto applied = target->ApplyParsedEntries(pending, pending_changes);
    report.replay_s += seconds_since(replaying);
    if (!applied.ok()) return applied.status().WithContext("replaying into the new store");
    consumed();
    if (o.progress) o.progress(applied->seq, report.archive_last_seq);
    return check_goal(applied->seq);
  };
  auto replay = [&]() -> Status {
    while (true) {
      auto item = next();
      RETURN_IF_ERROR(item->status());
      Opened& e = **item;
      if (e.end) {
        RETURN_IF_ERROR(flush());
        return finish_snapshot();  // a snapshot at the archive's last seq
      }
      if (e.segment_start) report.segments++;
      if ((o.until_seq && e.entry.seq > *o.until_seq) || (o.until_time && e.entry.time > *o.until_time)) {
        RETURN_IF_ERROR(flush());
        return finish_snapshot();
      }
      last = e.entry;
      int64_t seq = e.entry.seq;
      pending_bytes += e.entry.changes.size();
      pending.push_back(std::move(e.entry));
      pending_changes.push_back(std::move(e.changes));
      if (pending.size() >= kApplyBatch || pending_bytes >= kApplyBatchBytes || (goal && seq == goal->seq) ||
          (filler && seq == parse_after)) {
        RETURN_IF_ERROR(flush());
      }
    }
  };
  Status replayed = replay();
  stop_opener();
  if (replayed.ok() && o.until_seq && (!last || last->seq < *o.until_seq)) {
    replayed = NotFound("the archive holds " + o.node + " only up to seq " + std::to_string(last ? last->seq : 0) +
                        ", not " + std::to_string(*o.until_seq));
  }
  if (!replayed.ok() && (snapshot || created_file)) {
    filler.reset();
    target.reset();
    RemoveStoreFiles(sqlite_path);  // written here: not a store to keep
  }
  RETURN_IF_ERROR(replayed);
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
