// Shipping a store's journal to the data embassies.
#include "embassy/shipper.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "core/encoding.h"
#include "core/file.h"
#include "core/metrics.h"
#include "crypto/sha256.h"
#include "embassy/checkpoint.h"
#include "embassy/segment.h"
#include "embassy/snapshot.h"
#include "store/state_file.h"

namespace riik::embassy {
namespace {

constexpr size_t kReadChunk = 256;  // entries read from the journal at a time
constexpr auto kIdleWait = std::chrono::milliseconds(1000);
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);  // an embassy back is used within a second
constexpr auto kSnapshotRetry = std::chrono::seconds(60);      // after a snapshot that failed
constexpr int kSnapshotNice = 10;                              // snapshots run below the requests

int64_t Micros(std::chrono::microseconds d) { return d.count(); }

}  // namespace

Json ShippingStatus::ToJson() const {
  Json list = Json::array();
  for (const auto& e : embassies) {
    list.push_back({{"url", e.url},
                    {"acked_seq", e.acked_seq},
                    {"last_ack_us", e.last_ack_us},
                    {"segments", e.segments},
                    {"bytes", e.bytes},
                    {"error", e.error.empty() ? Json(nullptr) : Json(e.error)},
                    {"halted", e.halted},
                    {"checkpoint_seq", e.checkpoint_seq},
                    {"snapshot_seq", e.snapshot_seq}});
    auto drill = e.last_drill.empty() ? Result<Json>(NotFound("")) : ParseJson(e.last_drill);
    list.back()["last_drill"] = drill.ok() ? *drill : Json(nullptr);
  }
  return {{"node", node},
          {"mode", synchronous ? "sync" : "async"},
          {"head_seq", head_seq},
          {"acked_seq", acked_seq},
          {"lag_entries", lag_entries},
          {"lag_seconds", lag_seconds},
          {"embassies", list}};
}

namespace {

// Snapshots taken at once in this process, by every shipper (each on a thread of its
// own, which digests the copy itself): one at a time, so that a node under load, where many
// stores pass their snapshot threshold together, does not start a thread for each. The
// others wait their turn; their journal ships meanwhile.
constexpr int kMaxSnapshotsAtOnce = 1;
std::atomic<int> snapshots_running{0};

bool TakeSnapshotTurn() {
  for (int running = snapshots_running.load(); running < kMaxSnapshotsAtOnce;) {
    if (snapshots_running.compare_exchange_weak(running, running + 1)) return true;
  }
  return false;
}

}  // namespace

struct Shipper::State {
  store::Store* store = nullptr;
  ShipperOptions options;
  std::string node;

  mutable std::mutex mu;
  std::mutex state_file_mu;                      // taken before `mu`, never while holding it
  std::unique_ptr<store::StateFile> state_file;  // under state_file_mu once the threads run
  bool legacy_state_pending = false;             // STATE.json read, to remove; under state_file_mu
  std::condition_variable wake;                  // a commit, or stop
  std::condition_variable acknowledged;          // an acknowledgement
  bool stopping = false;
  UnixMicros drain_until = 0;  // while stopping: send what there is until then
  int64_t committed_seq = 0;
  struct Target {
    EmbassyProgress progress;
    std::string acked_hash;      // raw; the chain's last link at that embassy
    int64_t remembered_seq = 0;  // from the state file
    std::string remembered_hash;
    UnixMicros oldest_unacked_us = 0;
    std::string pending_checkpoint;  // signed, waiting until the embassy holds its seq
    int64_t pending_checkpoint_seq = 0;
    int64_t next_checkpoint_us = 0;       // on the Env's monotonic clock
    uint64_t bytes_since_snapshot = 0;    // journal text acknowledged since the last snapshot
    uint64_t last_snapshot_bytes = 0;     // the last one the embassy took (this run): the next waits for as much
    uint64_t pending_snapshot_bytes = 0;  // the file of the one whose manifest waits
    bool snapshotting = false;            // `snapshotter` is taking one
    int64_t next_snapshot_try_us = 0;
    std::thread snapshotter;
    std::string pending_manifest;  // signed, waiting until the embassy holds its seq
    int64_t pending_snapshot_seq = 0;
  };
  std::vector<Target> targets;
  std::vector<std::thread> threads;
  Counter* errors = nullptr;

  ShippingStatus Snapshot() const;

  int64_t MaxAckedLocked() const {
    int64_t m = 0;
    for (const auto& t : targets) m = std::max(m, t.progress.acked_seq);
    return m;
  }

  // Saves what the embassies acknowledged to the state file (one appended line and an
  // fsync: store/state_file.h). Serialised on its own mutex, the snapshot taken under
  // `mu` inside it, so a later acknowledgement is never overwritten by an earlier one.
  void SaveState() {
    std::lock_guard file_lock(state_file_mu);
    Json j = Json::object();
    {
      std::lock_guard lock(mu);
      for (const auto& t : targets) {
        j[t.progress.url] = {{"seq", t.remembered_seq}, {"hash", HexEncode(t.remembered_hash)}};
      }
    }
    Status saved = state_file->Save(j.dump());
    if (!saved.ok()) {
      spdlog::warn("embassy shipping state for {}: {}", node, saved.message());
    } else if (legacy_state_pending) {
      // The JSON file of earlier versions, read by LoadState: the state file holds it now.
      legacy_state_pending = false;
      Status removed = options.env->RemoveFile(options.state_file + ".json");
      if (!removed.ok() && removed.code() != Code::kNotFound) {
        spdlog::warn("embassy shipping state {}.json: {}", options.state_file, removed.message());
      }
    }
  }

  // What the embassies acknowledged before a restart: the state file's newest value and,
  // from versions before it, STATE_FILE.json (removed once the state file holds what it
  // said; left in place if it cannot be read); where both name an embassy, the higher seq.
  Status LoadState() {
    auto file = store::StateFile::Open(*options.env, options.state_file);
    if (!file.ok()) return file.status().WithContext("cannot read the embassy shipping state");
    state_file = std::move(*file);
    if (state_file->damaged()) {
      spdlog::warn("embassy shipping state {}: no line of it verifies; ignored", options.state_file);
    }
    Remember(state_file->value(), options.state_file);
    const std::string legacy_path = options.state_file + ".json";
    auto legacy = options.env->ReadFile(legacy_path);
    if (legacy.ok()) {
      legacy_state_pending = Remember(*legacy, legacy_path);
    } else if (legacy.status().code() != Code::kNotFound) {
      spdlog::warn("embassy shipping state {}: {} (left in place)", legacy_path, legacy.status().message());
    }
    return OkStatus();
  }

  // Takes each embassy's seq and segment hash from a state's JSON where it is higher than
  // what is remembered; false (and a warning) if the text is not such JSON.
  bool Remember(const std::string& text, const std::string& from) {
    if (text.empty()) return true;
    auto j = ParseJson(text);
    if (!j.ok() || !j->is_object()) {
      spdlog::warn("embassy shipping state {} is unreadable; ignored (left in place)", from);
      return false;
    }
    for (auto& t : targets) {
      if (!j->contains(t.progress.url)) continue;
      const Json& e = (*j)[t.progress.url];
      const int64_t seq = IntOr(e, "seq");
      auto hash = HexDecode(StringOr(e, "hash"));
      if (seq > 0 && (!hash.ok() || hash->size() != kSha256Size)) {
        spdlog::warn("embassy shipping state {}: {} has no segment hash; ignored", from, t.progress.url);
        continue;
      }
      if (seq <= t.remembered_seq) continue;
      t.remembered_seq = seq;
      t.remembered_hash = *hash;
    }
    return true;
  }

  void Fail(size_t i, const std::string& what, bool halt = false) {
    std::lock_guard lock(mu);
    Target& t = targets[i];
    if (t.progress.error != what) spdlog::warn("embassy {} ({}): {}", t.progress.url, node, what);
    t.progress.error = what;
    t.progress.halted = t.progress.halted || halt;
    errors->Add();
  }

  // Asks the embassy how far it holds the node and gives it our signer and wrapped key.
  // Returns false if it cannot be used now.
  bool Sync(size_t i, net::HttpClient& client) {
    const std::string base = "/v1/embassy/nodes/" + node;
    net::Headers text;
    text.Add("Content-Type", "application/x-pem-file");
    auto signer = client.Send("PUT", base + "/signer", text, options.signer_pem);
    if (!signer.ok() || signer->status != 200) {
      Fail(i, "setting our signer: " + (signer.ok() ? signer->body : signer.status().message()));
      return false;
    }
    net::Headers json;
    json.Add("Content-Type", "application/json");
    auto key = client.Send("PUT", base + "/keys", json, options.wrapped_key);
    if (!key.ok() || key->status != 200) {
      Fail(i, "handing over the wrapped data key: " + (key.ok() ? key->body : key.status().message()));
      return false;
    }
    auto head = client.Get(base);
    if (!head.ok() || head->status != 200) {
      Fail(i, "reading its head: " + (head.ok() ? head->body : head.status().message()));
      return false;
    }
    auto j = ParseJson(head->body);
    auto hash = j.ok() ? HexDecode(StringOr(*j, "hash")) : Result<std::string>(InvalidArgument("no JSON"));
    if (!j.ok() || !hash.ok() || hash->size() != 32) {
      Fail(i, "its head is not a head: " + head->body.substr(0, 200));
      return false;
    }
    int64_t seq = IntOr(*j, "last_seq");
    std::lock_guard lock(mu);
    Target& t = targets[i];
    if (seq < t.remembered_seq || (seq == t.remembered_seq && seq > 0 && *hash != t.remembered_hash)) {
      std::string what = "the embassy holds " + node + " up to seq " + std::to_string(seq) +
                         " but had acknowledged up to seq " + std::to_string(t.remembered_seq) +
                         (seq < t.remembered_seq ? ": segments were lost or removed there"
                                                 : " with another last segment: segments were altered there") +
                         "; not sending to it until an operator has looked";
      if (!t.progress.halted) spdlog::error("embassy {} ({}): {}", t.progress.url, node, what);
      t.progress.error = what;
      t.progress.halted = true;
      errors->Add();
      return false;
    }
    int64_t head_seq = store->Head().seq;
    if (seq > head_seq) {
      t.progress.error = "the embassy holds " + node + " up to seq " + std::to_string(seq) +
                         ", beyond this node's head " + std::to_string(head_seq);
      t.progress.halted = true;
      errors->Add();
      return false;
    }
    t.progress.acked_seq = seq;
    t.acked_hash = *hash;
    NoteHeadLocked(t, *j);
    return true;
  }

  static void NoteHeadLocked(Target& t, const Json& head) {
    t.progress.checkpoint_seq = IntOr(head, "checkpoint_seq", t.progress.checkpoint_seq);
    t.progress.snapshot_seq = IntOr(head, "snapshot_seq", t.progress.snapshot_seq);
    if (head.contains("last_drill") && head["last_drill"].is_object())
      t.progress.last_drill = head["last_drill"].dump();
  }

  // Takes a checkpoint when one is due, and sends the pending one once the embassy
  // holds its seq. `final`: the shipper is stopping with everything delivered.
  void SendCheckpoint(size_t i, net::HttpClient& client, bool final) {
    std::string text;
    int64_t acked;
    {
      std::lock_guard lock(mu);
      Target& t = targets[i];
      acked = t.progress.acked_seq;
      const int64_t now = options.env->MonotonicMicros();
      bool due = now >= t.next_checkpoint_us || (final && t.progress.checkpoint_seq < acked);
      if (t.pending_checkpoint.empty() && due && acked > 0) {
        t.next_checkpoint_us = now + Micros(options.checkpoint_interval);
      } else if (t.pending_checkpoint.empty() || t.pending_checkpoint_seq > acked) {
        return;
      }
      text = t.pending_checkpoint;
    }
    if (text.empty()) {
      auto digest = Digest();
      auto signed_text =
          digest.ok() ? SignCheckpoint(node, *digest, options.signing_key.get()) : Result<std::string>(digest.status());
      if (!signed_text.ok()) {
        Fail(i, "taking a checkpoint: " + signed_text.status().message());
        return;
      }
      std::lock_guard lock(mu);
      targets[i].pending_checkpoint = *signed_text;
      targets[i].pending_checkpoint_seq = digest->seq;
      if (digest->seq > acked) return;  // sent once the embassy holds that seq
      text = *signed_text;
    }
    net::Headers json;
    json.Add("Content-Type", "application/json");
    auto sent = client.Send("PUT", "/v1/embassy/nodes/" + node + "/checkpoints", json, text);
    if (!sent.ok() || sent->status != 200) {
      Fail(i, "sending a checkpoint: " + (sent.ok() ? sent->body.substr(0, 300) : sent.status().message()));
      return;
    }
    auto head = ParseJson(sent->body);
    std::lock_guard lock(mu);
    Target& t = targets[i];
    t.pending_checkpoint.clear();
    if (head.ok()) NoteHeadLocked(t, *head);
  }

  // How much journal the next snapshot waits for: snapshot_every_bytes, and at least as
  // much as the last snapshot's file. A snapshot copies the whole store, so a fixed step
  // would copy a growing store ever more often for the same journal; this way a snapshot
  // costs at most about a byte copied per byte of journal, and a restore replays on top
  // of one at most about as much journal as the snapshot holds (LogCabin's snapshot
  // ratio, at 1).
  uint64_t SnapshotDueBytes(const Target& t) const {
    return std::max(options.snapshot_every_bytes, t.last_snapshot_bytes);
  }

  // Snapshots: when enough journal has been acknowledged since the last, starts taking
  // one on a thread of its own (seconds for a large store: shipping goes on meanwhile),
  // which sends the sealed chunks as it goes; the manifest follows here once the
  // embassy holds its seq, and its checkpoint after it.
  void SendSnapshot(size_t i, net::HttpClient& client) {
    if (SnapshotPath().empty()) return;
    std::string manifest;
    int64_t seq;
    {
      std::lock_guard lock(mu);
      Target& t = targets[i];
      if (!t.snapshotting && t.pending_manifest.empty() && t.bytes_since_snapshot >= SnapshotDueBytes(t) &&
          options.env->MonotonicMicros() >= t.next_snapshot_try_us && !stopping && TakeSnapshotTurn()) {
        t.snapshotting = true;
        t.bytes_since_snapshot = 0;
        if (t.snapshotter.joinable()) t.snapshotter.join();  // the last one, finished
        t.snapshotter = std::thread([this, i, url = t.progress.url] { TakeSnapshotFor(i, url); });
        return;
      }
      if (t.pending_manifest.empty() || t.pending_snapshot_seq > t.progress.acked_seq) return;
      manifest = t.pending_manifest;
      seq = t.pending_snapshot_seq;
    }
    net::Headers json;
    json.Add("Content-Type", "application/json");
    auto sent = client.Send("PUT", "/v1/embassy/nodes/" + node + "/snapshots/" + std::to_string(seq), json, manifest);
    auto head = sent.ok() && sent->status == 200 ? ParseJson(sent->body) : Result<Json>(InvalidArgument(""));
    {
      std::lock_guard lock(mu);
      targets[i].pending_manifest.clear();  // sent, or given up: the next one comes after more journal
      if (head.ok()) {
        targets[i].last_snapshot_bytes = targets[i].pending_snapshot_bytes;
        NoteHeadLocked(targets[i], *head);
      }
    }
    if (!head.ok()) {
      Fail(i, "sending the snapshot at seq " + std::to_string(seq) + ": " +
                  (sent.ok() ? sent->body.substr(0, 300) : sent.status().message()));
    }
  }

  void TakeSnapshotFor(size_t i, const std::string& url) {
    // Background work: it yields the cores to the node's requests (threads it starts,
    // the digest's hashers, inherit this).
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kSnapshotNice);
    std::string dir = options.snapshot_work_dir + "/snapshot-" + std::to_string(i);
    // The working copy holds the store's rows in clear: private, like the store.
    Status made = MakePrivateDirectory(dir);
    auto client =
        made.ok() ? net::HttpClient::Create(url, options.client) : Result<std::unique_ptr<net::HttpClient>>(made);
    net::Headers octets;
    octets.Add("Content-Type", "application/octet-stream");
    auto send_chunk = [&](const store::JournalHead& head, size_t index, std::string_view bytes) -> Status {
      auto sent = (*client)->Send(
          "PUT",
          "/v1/embassy/nodes/" + node + "/snapshots/" + std::to_string(head.seq) + "/chunks/" + std::to_string(index),
          octets, std::string(bytes));
      if (!sent.ok()) return sent.status();
      if (sent->status != 200) {
        return Unavailable("the embassy refused chunk " + std::to_string(index) + ": HTTP " +
                           std::to_string(sent->status) + " " + sent->body.substr(0, 300));
      }
      return OkStatus();
    };
    auto taken = client.ok()
                     ? TakeSnapshot(SnapshotPath(), node, dir, options.data_key, options.signing_key.get(), send_chunk)
                     : Result<TakenSnapshot>(client.status());
    if (!taken.ok()) Fail(i, "taking a snapshot: " + taken.status().message());
    --snapshots_running;  // the next shipper's turn
    std::lock_guard lock(mu);
    Target& t = targets[i];
    t.snapshotting = false;
    if (!taken.ok()) {  // tried again once the embassy is caught up, a minute on
      t.bytes_since_snapshot = std::max(t.bytes_since_snapshot, SnapshotDueBytes(t));
      t.next_snapshot_try_us = options.env->MonotonicMicros() + Micros(kSnapshotRetry);
    } else {
      t.pending_snapshot_bytes = static_cast<uint64_t>(taken->file_bytes);
      t.pending_manifest = taken->manifest;
      t.pending_snapshot_seq = taken->head.seq;
      t.pending_checkpoint = taken->checkpoint;  // the state digest at the snapshot's seq
      t.pending_checkpoint_seq = taken->head.seq;
    }
    wake.notify_all();
  }

  // The store's state digest, through a read-only connection of its own: its writer
  // carries on while a large store is hashed.
  Result<store::StateDigest> Digest() {
    // On this thread: background work adds no hashers to a node's threads.
    constexpr auto kHere = store::Store::DigestThreads::kCaller;
    if (options.store_url.empty() || options.store_url == "sqlite::memory:") return store->Digest(kHere);
    store::StoreOptions o{options.store_url, node};
    o.read_only = true;
    ASSIGN_OR_RETURN(auto reader, store::Store::Open(o));
    return reader->Digest(kHere);
  }

  // The SQLite file snapshots copy ("" for PostgreSQL, or when snapshots are off).
  std::string SnapshotPath() const {
    const std::string& url = options.store_url;
    if (options.snapshot_every_bytes == 0 || !url.starts_with("sqlite:") || url == "sqlite::memory:") return "";
    return url.substr(7);
  }

  // Entries after `after`, bounded in count and bytes.
  Result<std::vector<store::JournalEntry>> NextEntries(int64_t after) {
    std::vector<store::JournalEntry> out;
    size_t bytes = 0;
    while (out.size() < options.max_segment_entries && bytes < options.max_segment_bytes) {
      size_t want = std::min(kReadChunk, options.max_segment_entries - out.size());
      ASSIGN_OR_RETURN(auto chunk, store->ReadJournal(after, static_cast<int64_t>(want)));
      if (chunk.empty()) break;
      for (auto& e : chunk) {
        if (!out.empty() && bytes + e.changes.size() > options.max_segment_bytes) return out;
        bytes += e.changes.size() + 256;
        after = e.seq;
        out.push_back(std::move(e));
      }
      if (chunk.size() < want) break;
    }
    return out;
  }

  void Run(size_t i) {
    std::string url;
    {
      std::lock_guard lock(mu);
      url = targets[i].progress.url;
    }
    std::unique_ptr<net::HttpClient> client;
    bool synced = false;
    auto backoff = kFirstBackoff;
    auto pause = [&] {
      std::unique_lock lock(mu);
      wake.wait_for(lock, backoff, [&] { return stopping; });
      backoff = std::min(backoff * 2, kMaxBackoff);
    };
    while (true) {
      {
        std::unique_lock lock(mu);
        // Stopping: done once past the drain time or failing; with everything delivered
        // it goes on once more to send the final checkpoint.
        if (stopping && (options.env->NowMicros() > drain_until || !targets[i].progress.error.empty())) return;
        if (targets[i].progress.halted) {
          wake.wait_for(lock, kIdleWait, [&] { return stopping; });
          continue;
        }
      }
      if (!client) {
        auto created = net::HttpClient::Create(url, options.client);
        if (!created.ok()) {
          Fail(i, created.status().message());
          pause();
          continue;
        }
        client = std::move(*created);
      }
      if (!synced) {
        synced = Sync(i, *client);
        if (!synced) {
          client.reset();
          pause();
          continue;
        }
      }
      int64_t acked;
      std::string prev;
      {
        std::lock_guard lock(mu);
        acked = targets[i].progress.acked_seq;
        prev = targets[i].acked_hash;
      }
      auto entries = NextEntries(acked);
      if (!entries.ok()) {
        Fail(i, "reading the journal: " + entries.status().message());
        pause();
        continue;
      }
      if (entries->empty()) {
        bool final;
        {
          std::lock_guard lock(mu);
          targets[i].oldest_unacked_us = 0;
          final = stopping;
        }
        SendSnapshot(i, *client);
        SendCheckpoint(i, *client, final);
        std::unique_lock lock(mu);
        if (final) return;
        wake.wait_for(lock, kIdleWait,
                      [&] { return stopping || committed_seq > acked || !targets[i].pending_manifest.empty(); });
        continue;
      }
      {
        std::lock_guard lock(mu);
        targets[i].oldest_unacked_us = entries->front().time;
      }
      auto sealed = SealSegment(*entries, prev, options.data_key, options.signing_key.get());
      if (!sealed.ok()) {
        Fail(i, "sealing a segment: " + sealed.status().message());
        pause();
        continue;
      }
      net::Headers headers;
      headers.Add("Content-Type", "application/octet-stream");
      auto sent = client->Send("POST", "/v1/embassy/nodes/" + node + "/segments", headers, sealed->bytes);
      if (!sent.ok()) {
        Fail(i, "sending a segment: " + sent.status().message());
        client.reset();
        synced = false;
        pause();
        continue;
      }
      if (sent->status == 409) {  // not the next one there: read its head again
        Fail(i, "the embassy expected another segment: " + sent->body.substr(0, 300));
        synced = false;
        continue;
      }
      auto ack = ParseJson(sent->body);
      auto ack_hash = ack.ok() ? HexDecode(StringOr(*ack, "hash")) : Result<std::string>(InvalidArgument(""));
      if (sent->status != 200 || !ack.ok() || !ack_hash.ok() || *ack_hash != sealed->hash ||
          IntOr(*ack, "last_seq") != sealed->header.last_seq) {
        Fail(i, "the embassy refused segment " + std::to_string(sealed->header.first_seq) + ".." +
                    std::to_string(sealed->header.last_seq) + ": HTTP " + std::to_string(sent->status) + " " +
                    sent->body.substr(0, 300));
        synced = false;
        pause();
        continue;
      }
      backoff = kFirstBackoff;
      {
        std::lock_guard lock(mu);
        Target& t = targets[i];
        t.progress.acked_seq = sealed->header.last_seq;
        t.progress.last_ack_us = options.env->NowMicros();
        t.progress.segments++;
        t.progress.bytes += sealed->bytes.size();
        t.progress.error.clear();
        t.acked_hash = sealed->hash;
        t.remembered_seq = t.progress.acked_seq;
        t.remembered_hash = sealed->hash;
        for (const auto& e : *entries) t.bytes_since_snapshot += e.changes.size();
      }
      acknowledged.notify_all();
      SaveState();  // outside `mu`: writers waking the shipper never wait on this fsync
    }
  }
};

Result<std::unique_ptr<Shipper>> Shipper::Start(store::Store& store, ShipperOptions options) {
  if (options.embassies.empty()) return InvalidArgument("no embassy to ship to");
  if (options.data_key.size() != kDataKeyBytes) return InvalidArgument("the data key is 32 bytes");
  if (!options.signing_key) return InvalidArgument("no signing key for segments");
  if (options.state_file.empty()) return InvalidArgument("no state file for what the embassies acknowledged");
  auto state = std::make_shared<State>();
  state->store = &store;
  state->node = store.node();
  state->committed_seq = store.Head().seq;
  for (const auto& url : options.embassies) {
    State::Target t;
    t.progress.url = url;
    state->targets.push_back(std::move(t));
  }
  state->options = std::move(options);
  RETURN_IF_ERROR(state->LoadState());
  Labels labels{{"node", state->node}};
  state->errors = &Metrics().GetCounter("riik_embassy_errors_total", "Failures shipping to data embassies", labels);
  std::weak_ptr<State> weak = state;
  auto gauge = [&](const char* name, const char* help, std::function<double(const ShippingStatus&)> read) {
    Metrics().SetCallbackGauge(name, help, labels, [weak, read] {
      auto s = weak.lock();
      return s ? read(s->Snapshot()) : 0.0;
    });
  };
  gauge("riik_embassy_acked_seq", "The journal seq the best data embassy has acknowledged",
        [](const ShippingStatus& s) { return static_cast<double>(s.acked_seq); });
  gauge("riik_embassy_lag_entries", "Journal entries no data embassy holds yet",
        [](const ShippingStatus& s) { return static_cast<double>(s.lag_entries); });
  gauge("riik_embassy_lag_seconds", "Age of the oldest journal entry no data embassy holds yet",
        [](const ShippingStatus& s) { return s.lag_seconds; });
  // The latest restore drill any embassy reports: 1 passed, 0 failed, -1 none yet.
  auto last_drill = [](const ShippingStatus& s) -> std::optional<Json> {
    std::optional<Json> latest;
    for (const auto& e : s.embassies) {
      auto d = e.last_drill.empty() ? Result<Json>(NotFound("")) : ParseJson(e.last_drill);
      if (d.ok() && (!latest || IntOr(*d, "time_us") > IntOr(*latest, "time_us"))) latest = *d;
    }
    return latest;
  };
  gauge("riik_embassy_last_drill_ok",
        "The latest restore drill of this store at an embassy: 1 passed, 0 failed, -1 none",
        [last_drill](const ShippingStatus& s) {
          auto d = last_drill(s);
          return d ? (BoolOr(*d, "ok") ? 1.0 : 0.0) : -1.0;
        });
  gauge("riik_embassy_last_drill_time_seconds", "When that drill ran (Unix time; 0 if none)",
        [last_drill](const ShippingStatus& s) {
          auto d = last_drill(s);
          return d ? static_cast<double>(IntOr(*d, "time_us")) / 1e6 : 0.0;
        });
  for (size_t i = 0; i < state->targets.size(); ++i) {
    state->threads.emplace_back([state, i] { state->Run(i); });
  }
  return std::unique_ptr<Shipper>(new Shipper(state));
}

Shipper::~Shipper() { Stop(); }

void Shipper::Stop(std::chrono::milliseconds drain) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping) return;
    state_->stopping = true;
    state_->drain_until = state_->options.env->NowMicros() + drain.count() * 1000;
  }
  state_->wake.notify_all();
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
  for (auto& t : state_->targets) {
    if (t.snapshotter.joinable()) t.snapshotter.join();
  }
  Labels labels{{"node", state_->node}};
  for (const char* name : {"riik_embassy_acked_seq", "riik_embassy_lag_entries", "riik_embassy_lag_seconds",
                           "riik_embassy_last_drill_ok", "riik_embassy_last_drill_time_seconds"}) {
    Metrics().RemoveCallbackGauge(name, labels);
  }
}

Status Shipper::Committed(int64_t seq) {
  {
    std::lock_guard lock(state_->mu);
    state_->committed_seq = std::max(state_->committed_seq, seq);
  }
  state_->wake.notify_all();
  if (!state_->options.synchronous) return OkStatus();
  return WaitAcknowledged(seq, state_->options.sync_timeout);
}

Status Shipper::WaitAcknowledged(int64_t seq, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  bool held = state_->acknowledged.wait_for(lock, timeout, [&] { return state_->MaxAckedLocked() >= seq; });
  if (held) return OkStatus();
  std::string why;
  for (const auto& t : state_->targets) {
    if (!t.progress.error.empty()) why += "; " + t.progress.url + ": " + t.progress.error;
  }
  return DeadlineExceeded("committed here at seq " + std::to_string(seq) +
                          ", but no data embassy has acknowledged it within " + std::to_string(timeout.count()) +
                          " ms" + why);
}

ShippingStatus Shipper::Progress() const { return state_->Snapshot(); }

ShippingStatus Shipper::State::Snapshot() const {
  ShippingStatus s;
  s.node = node;
  s.synchronous = options.synchronous;
  s.head_seq = store->Head().seq;
  std::lock_guard lock(mu);
  UnixMicros oldest = 0;
  for (const auto& t : targets) {
    s.embassies.push_back(t.progress);
    if (t.progress.acked_seq >= s.acked_seq) {
      s.acked_seq = t.progress.acked_seq;
      oldest = t.oldest_unacked_us;
    }
  }
  s.lag_entries = std::max<int64_t>(0, s.head_seq - s.acked_seq);
  if (s.lag_entries > 0 && oldest > 0) s.lag_seconds = static_cast<double>(options.env->NowMicros() - oldest) / 1e6;
  return s;
}

}  // namespace riik::embassy
