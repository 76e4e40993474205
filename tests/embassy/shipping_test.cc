// The data embassy end to end in one process: an embassy node (role embassy, mutual
// TLS) and a home node whose stores ship to it; async and sync modes, an embassy that
// was down catching up, a restore with 3 of 5 custodians' shares giving the home
// store's digest, and tampering at the embassy found on both sides.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "crypto/self_signed.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/checkpoint.h"
#include "embassy/custody.h"
#include "embassy/data_key.h"
#include "embassy/master_key.h"
#include "embassy/restore.h"
#include "embassy/segment.h"
#include "embassy/shipper.h"
#include "node/node.h"
#include "store/state_file.h"
#include "support/embassy_site.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace riik::embassy {
namespace {

namespace fs = std::filesystem;

const store::TableSchema kPersons = {
    "persons", {{"code", store::ColumnType::kText}, {"name", store::ColumnType::kText}}, {"code"}, {}};

class ShippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto site = riik::testing::EmbassySite::Create(dir_ / "site");
    ASSERT_TRUE(site.ok()) << site.status().ToString();
    site_ = std::move(*site);
    archive_ = site_->archive();
  }
  void TearDown() override {
    home_.reset();
    site_.reset();
  }

  // The embassy on `port` (0: any; restarts reuse site_->port()).
  void StartEmbassy(uint16_t port = 0) {
    Status st = site_->StartEmbassy(port);
    ASSERT_TRUE(st.ok()) << st.ToString();
    embassy_url_ = site_->url();
    embassy_port_ = site_->port();
  }

  // The home node, shipping every store; its store "people" with kPersons.
  void StartHome(const std::string& mode, int sync_timeout_ms = 10000,
                 const std::map<std::string, std::string>& settings = {}) {
    node::NodeConfig c;
    c.data_dir = dir_ / "home";
    c.roles.push_back(node::RoleConfig{"status", "status", {}, {}});
    c.shipping = site_->Shipping(mode, sync_timeout_ms);
    for (const auto& [k, v] : settings) c.shipping->settings[k] = v;
    auto n = node::Node::Start(c);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    home_ = std::move(*n);
    auto s = home_->OpenStore("people");
    ASSERT_TRUE(s.ok());
    people_ = *s;
    ASSERT_TRUE(people_->EnsureTables({kPersons}).ok());
  }

  Result<store::JournalHead> Put(int i) {
    return people_->Write([&](store::WriteTxn& t) {
      return t.Put("persons",
                   {{"code", "4940313" + std::to_string(6000 + i)}, {"name", "Kärt Õunapuu " + std::to_string(i)}});
    });
  }

  // What the embassy's archive holds of "people" (checked from its files).
  int64_t ArchivedSeq() {
    auto head = CheckNodeDirectory(archive_ + "/people", "people");
    return head.ok() ? head->last_seq : -1;
  }

  int64_t AckedSeq() {
    for (const auto& s : home_->ShippingStatus()) {
      if (s["node"] == "people") return s["acked_seq"].get<int64_t>();
    }
    return -1;
  }

  // The shipper stops sending to the embassy within 10 s, saying it lost segments.
  void ExpectHaltedBecauseSegmentsWereLost() {
    for (int waited = 0; waited < 10000; waited += 50) {
      for (const auto& s : home_->ShippingStatus()) {
        if (s["node"] == "people" && s["embassies"][0]["halted"].get<bool>()) {
          EXPECT_NE(s["embassies"][0]["error"].get<std::string>().find("lost or removed"), std::string::npos);
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the shipper did not halt: " << home_->ShippingStatus().dump();
  }

  bool WaitForAck(int64_t seq, int ms = 15000) {
    for (int waited = 0; waited < ms; waited += 20) {
      if (AckedSeq() >= seq) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::vector<OpenedShare> Shares(std::initializer_list<int> which, const std::string& custody = "") {
    return site_->Shares(which, custody);
  }

  Result<RestoreReport> Restore(const std::string& into, std::optional<int64_t> until_seq = std::nullopt,
                                const std::function<void(RestoreOptions&)>& more = nullptr) {
    auto secret = RestoreSecret(Shares({1, 3, 5}));
    if (!secret.ok()) return secret.status();
    RestoreOptions o;
    o.node_dir = archive_ + "/people";
    o.node = "people";
    o.master_secret = *secret;
    o.trust_root_pem = *ReadFile(site_->root());
    o.store_url = "sqlite:" + dir_ / into;
    o.until_seq = until_seq;
    if (more) more(o);
    return RestoreNode(o);
  }

  // An embassy, and a home node shipping asynchronously with a snapshot every 4 KiB of
  // journal; 150 rows put and acknowledged, the last at `head`.
  void ShipWithSnapshots(int64_t& head) {
    StartEmbassy();
    StartHome("async", 10000, {{"snapshot_every_kib", "4"}});
    for (int i = 0; i < 150; ++i) head = Put(i)->seq;
    ASSERT_TRUE(WaitForAck(head));
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<riik::testing::EmbassySite> site_;
  std::string archive_, embassy_url_;
  uint16_t embassy_port_ = 0;
  std::unique_ptr<node::Node> home_;
  store::Store* people_ = nullptr;
};

TEST_F(ShippingTest, AsyncShipsEveryCommitAndThreeSharesRestoreTheSameState) {
  StartEmbassy();
  StartHome("async");
  int64_t head = 0;
  for (int i = 0; i < 150; ++i) head = Put(i)->seq;
  ASSERT_TRUE(WaitForAck(head)) << home_->ShippingStatus().dump();
  EXPECT_EQ(ArchivedSeq(), head);
  auto home_digest = people_->Digest();
  ASSERT_TRUE(home_digest.ok());

  auto restored = Restore("restored.db");
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->head.seq, head);
  EXPECT_EQ(restored->digest.digest, home_digest->digest);
  EXPECT_EQ(restored->digest.rows, home_digest->rows);
  EXPECT_NE(restored->signer.find("EE home node"), std::string::npos);

  // Into PostgreSQL: the same state.
  auto pg = riik::testing::NewTestDatabase();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto secret = RestoreSecret(Shares({2, 3, 4}));
  ASSERT_TRUE(secret.ok());
  RestoreOptions into_pg;
  into_pg.node_dir = archive_ + "/people";
  into_pg.node = "people";
  into_pg.master_secret = *secret;
  into_pg.trust_root_pem = *ReadFile(site_->root());
  into_pg.store_url = *pg;
  auto on_pg = RestoreNode(into_pg);
  ASSERT_TRUE(on_pg.ok()) << on_pg.status().ToString();
  EXPECT_EQ(on_pg->digest.digest, home_digest->digest);

  // To an earlier seq: the state as it was then.
  auto earlier = Restore("earlier.db", 10);
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  EXPECT_EQ(earlier->head.seq, 10);

  // The embassy holds no plaintext: neither a code nor a name written above.
  int scanned = 0;
  for (const auto& f : fs::recursive_directory_iterator(archive_)) {
    if (!f.is_regular_file()) continue;
    std::string bytes = *ReadFile(f.path().string());
    EXPECT_EQ(bytes.find("4940313"), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find("Õunapuu"), std::string::npos) << f.path();
    ++scanned;
  }
  EXPECT_GT(scanned, 1) << "the embassy's archive holds no files to look into";
  // The status says how far the embassy is.
  Json status = home_->ShippingStatus();
  bool found = false;
  for (const auto& s : status) {
    if (s["node"] != "people") continue;
    found = true;
    EXPECT_EQ(s["mode"], "async");
    EXPECT_EQ(s["lag_entries"], 0);
    EXPECT_EQ(s["embassies"][0]["url"], embassy_url_);
  }
  EXPECT_TRUE(found);
}

TEST_F(ShippingTest, FewerThanThreeSharesOrAWrongOneCannotRestore) {
  StartEmbassy();
  StartHome("async");
  ASSERT_TRUE(WaitForAck(Put(1)->seq));
  auto two = RestoreSecret(Shares({2, 4}));
  EXPECT_EQ(two.status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(SplitNewMasterKey(dir_ / "other-custody", 3, riik::testing::EmbassySite::Pins(), "another state's root",
                                PinHardness::kInteractive)
                  .ok());
  std::vector<OpenedShare> mixed = Shares({1, 2});
  mixed.push_back(Shares({3}, dir_ / "other-custody")[0]);
  auto wrong = RestoreSecret(mixed);
  EXPECT_EQ(wrong.status().code(), Code::kDataLoss);
  EXPECT_NE(wrong.status().message().find("other-custody/share-3.json"), std::string::npos) << wrong.status().message();
  // Another master key (all three of another split) does not open the node's data key.
  auto other = RestoreSecret(Shares({1, 2, 3}, dir_ / "other-custody"));
  ASSERT_TRUE(other.ok());
  RestoreOptions o;
  o.node_dir = archive_ + "/people";
  o.node = "people";
  o.master_secret = *other;
  o.trust_root_pem = *ReadFile(site_->root());
  o.store_url = "sqlite:" + dir_ / "wrong.db";
  EXPECT_EQ(RestoreNode(o).status().code(), Code::kPermissionDenied);
  // The right key, but no state root, or another state's: the archive's own signer.pem
  // is never the judge of itself.
  auto right = RestoreSecret(Shares({1, 2, 3}));
  ASSERT_TRUE(right.ok());
  o.master_secret = *right;
  o.trust_root_pem = "";
  EXPECT_EQ(RestoreNode(o).status().code(), Code::kFailedPrecondition);
  auto stranger = MakeSelfSigned("another state's root", {"localhost"});
  ASSERT_TRUE(stranger.ok());
  o.trust_root_pem = stranger->cert_pem;
  auto refused = RestoreNode(o);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("signer"), std::string::npos) << refused.status().ToString();
}

TEST_F(ShippingTest, SyncCommitReturnsOnlyOnceTheEmbassyHoldsIt) {
  StartEmbassy();
  StartHome("sync", 3000);
  for (int i = 0; i < 40; ++i) {
    auto head = Put(i);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    ASSERT_GE(ArchivedSeq(), head->seq) << "commit " << i << " returned before the embassy held it";
  }
  // The embassy away: a commit is not confirmed, and says so.
  site_->StopEmbassy();
  auto unconfirmed = Put(100);
  EXPECT_EQ(unconfirmed.status().code(), Code::kDeadlineExceeded) << unconfirmed.status().ToString();
  EXPECT_NE(unconfirmed.status().message().find("no data embassy has acknowledged"), std::string::npos);
  // Back on the same address: it catches up, and commits are confirmed again.
  StartEmbassy(embassy_port_);
  auto confirmed = Put(101);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(ArchivedSeq(), confirmed->seq);
}

TEST_F(ShippingTest, AnEmbassyThatWasDownCatchesUpWithNothingLost) {
  StartEmbassy();
  StartHome("async");
  ASSERT_TRUE(WaitForAck(Put(0)->seq));
  uint16_t port = embassy_port_;
  site_->StopEmbassy();
  int64_t head = 0;
  for (int i = 1; i <= 300; ++i) head = Put(i)->seq;
  // The embassy is really down: nothing of the 300 is taken in the while.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LT(AckedSeq(), head);
  StartEmbassy(port);
  ASSERT_TRUE(WaitForAck(head)) << home_->ShippingStatus().dump();
  auto restored = Restore("caught-up.db");
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->digest.digest, people_->Digest()->digest);
}

TEST_F(ShippingTest, TamperingAtTheEmbassyIsFoundOnBothSides) {
  StartEmbassy();
  StartHome("async");
  int64_t head = 0;
  for (int i = 0; i < 30; ++i) {
    head = Put(i)->seq;
    ASSERT_TRUE(WaitForAck(head));  // one segment per commit
  }
  home_.reset();
  site_->StopEmbassy();
  auto segments = ListSegments(archive_ + "/people");
  ASSERT_TRUE(segments.ok());
  ASSERT_GE(segments->size(), 5u);
  const std::string victim = (*segments)[3].path;
  std::string original = *ReadFile(victim);

  // A flipped byte: the signature fails, at the embassy's check and at a restore.
  std::string flipped = original;
  flipped[flipped.size() / 2] ^= 0x20;
  ASSERT_TRUE(WriteFileAtomic(victim, flipped, false).ok());
  auto checked = CheckNodeDirectory(archive_ + "/people", "people");
  EXPECT_EQ(checked.status().code(), Code::kDataLoss);
  EXPECT_NE(checked.status().message().find("signature"), std::string::npos) << checked.status().message();
  EXPECT_FALSE(Restore("flipped.db").ok());

  // A dropped segment: the next one does not follow.
  fs::remove(victim);
  checked = CheckNodeDirectory(archive_ + "/people", "people");
  EXPECT_NE(checked.status().message().find("missing"), std::string::npos) << checked.status().message();

  // An old segment replayed in its place: the chain does not link.
  ASSERT_TRUE(WriteFileAtomic(victim, *ReadFile((*segments)[1].path), false).ok());
  checked = CheckNodeDirectory(archive_ + "/people", "people");
  EXPECT_EQ(checked.status().code(), Code::kDataLoss);
  EXPECT_FALSE(Restore("replayed.db").ok());

  // The embassy, reopened on it, takes no more segments of that node.
  {
    auto archive = Archive::Open(archive_);
    ASSERT_TRUE(archive.ok());
    auto people = (*archive)->Head("people");
    ASSERT_TRUE(people.ok());
    EXPECT_FALSE(people->problem.ok());
    EXPECT_EQ((*archive)->Append("people", original).status().code(), Code::kDataLoss);
  }

  // The home side: the last segments removed at the embassy (the rest intact) — the
  // shipper remembers more was acknowledged and stops sending there, saying why.
  site_->StopEmbassy();
  ASSERT_TRUE(WriteFileAtomic(victim, original, false).ok());
  for (size_t i = segments->size() - 3; i < segments->size(); ++i) fs::remove((*segments)[i].path);
  StartEmbassy(embassy_port_);
  StartHome("async");
  ExpectHaltedBecauseSegmentsWereLost();
}

// What the embassy acknowledged survives a restart in the state file that versions
// before store/state_file.h wrote (STATE.json): read once, then replaced by the new file.
TEST_F(ShippingTest, TheStateFileOfEarlierVersionsIsStillRemembered) {
  StartEmbassy();
  StartHome("async");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(WaitForAck(Put(i)->seq));
  home_.reset();
  const std::string state = dir_ / "home/embassy-keys/people.acked";
  auto saved = store::StateFile::Open(Env::Default(), state);
  ASSERT_TRUE(saved.ok());
  ASSERT_NE((*saved)->value().find("\"seq\":"), std::string::npos) << (*saved)->value();
  ASSERT_TRUE(WriteFileAtomic(state + ".json", (*saved)->value(), false).ok());
  fs::remove(state);

  // The embassy's last segments gone: the shipper remembers more and stops there.
  site_->StopEmbassy();
  auto segments = ListSegments(archive_ + "/people");
  ASSERT_TRUE(segments.ok());
  ASSERT_GE(segments->size(), 5u);
  for (size_t i = segments->size() - 2; i < segments->size(); ++i) fs::remove((*segments)[i].path);
  StartEmbassy(embassy_port_);
  StartHome("async");
  ExpectHaltedBecauseSegmentsWereLost();
}

// Once the state file holds what STATE.json held, the old file is gone.
TEST_F(ShippingTest, TheStateFileOfEarlierVersionsIsReplacedOnceSaved) {
  StartEmbassy();
  StartHome("async");
  ASSERT_TRUE(WaitForAck(Put(0)->seq));
  home_.reset();
  const std::string state = dir_ / "home/embassy-keys/people.acked";
  auto saved = store::StateFile::Open(Env::Default(), state);
  ASSERT_TRUE(saved.ok());
  ASSERT_TRUE(WriteFileAtomic(state + ".json", (*saved)->value(), false).ok());
  fs::remove(state);
  StartHome("async");
  const int64_t head = Put(1)->seq;
  ASSERT_TRUE(WaitForAck(head));
  home_.reset();
  EXPECT_FALSE(fs::exists(state + ".json"));
  auto now = store::StateFile::Open(Env::Default(), state);
  ASSERT_TRUE(now.ok());
  auto j = ParseJson((*now)->value());
  ASSERT_TRUE(j.ok() && j->size() == 1) << (*now)->value();
  EXPECT_EQ(j->begin()->at("seq").get<int64_t>(), head);
}

// Where the state file and STATE.json both name an embassy, the higher seq counts: an
// embassy holding less than the old file says it acknowledged is found out.
TEST_F(ShippingTest, TheHigherSeqOfTheTwoStateFilesIsRemembered) {
  StartEmbassy();
  StartHome("async");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(WaitForAck(Put(i)->seq));
  home_.reset();
  const std::string state = dir_ / "home/embassy-keys/people.acked";
  const Json legacy = {{embassy_url_, {{"seq", 1000}, {"hash", std::string(64, 'a')}}}};
  ASSERT_TRUE(WriteFileAtomic(state + ".json", legacy.dump(), false).ok());
  StartHome("async");
  ExpectHaltedBecauseSegmentsWereLost();
}

TEST_F(ShippingTest, SnapshotsShipAndARestoreStartsFromTheLatest) {
  int64_t head = 0;
  ASSERT_NO_FATAL_FAILURE(ShipWithSnapshots(head));
  std::vector<ArchivedSnapshot> snapshots;
  for (int waited = 0; waited < 15000 && snapshots.empty(); waited += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto listed = ListSnapshots(archive_ + "/people");
    if (listed.ok()) snapshots = *listed;
  }
  ASSERT_FALSE(snapshots.empty()) << home_->ShippingStatus().dump();
  const int64_t snapshot_seq = snapshots.back().seq;
  EXPECT_GT(snapshot_seq, 0);
  auto checked = CheckNodeDirectory(archive_ + "/people", "people");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->snapshot_seq, snapshot_seq);
  // The chunks are ciphertext: no citizen's name in them.
  auto chunk = ReadFile(SnapshotChunkPath(snapshots.back().dir, 0));
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->find("Õunapuu"), std::string::npos);

  // A restore to the snapshot's checkpoint starts from it: its journal filled in, its
  // digest proven by the signed bytes, or recomputed; replaying the whole journal gives
  // the same state.
  auto from_snapshot = Restore("from-snapshot.db", snapshot_seq);
  ASSERT_TRUE(from_snapshot.ok()) << from_snapshot.status().ToString();
  EXPECT_EQ(from_snapshot->snapshot_seq, snapshot_seq);
  EXPECT_EQ(from_snapshot->head.seq, snapshot_seq);
  EXPECT_EQ(from_snapshot->checkpoint_seq, snapshot_seq);
  EXPECT_EQ(from_snapshot->digest_checked_by, "the snapshot's signed bytes");
  auto recomputed = Restore("recomputed.db", snapshot_seq, [](RestoreOptions& o) { o.recompute_digest = true; });
  ASSERT_TRUE(recomputed.ok()) << recomputed.status().ToString();
  EXPECT_EQ(recomputed->digest_checked_by, "recomputed");
  EXPECT_EQ(recomputed->digest.digest, from_snapshot->digest.digest);
  auto replayed = Restore("replayed.db", snapshot_seq, [](RestoreOptions& o) { o.use_snapshots = false; });
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ(replayed->snapshot_seq, 0);
  EXPECT_EQ(replayed->digest.digest, from_snapshot->digest.digest);
  // The restored store is a whole one: its journal verifies from seq 1, replayed too.
  {
    auto restored = store::Store::Open({"sqlite:" + dir_ / "from-snapshot.db", "people"});
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    auto verified = (*restored)->VerifyJournal(/*replay=*/true);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->status.ok()) << verified->status.ToString();
    EXPECT_EQ(verified->entries, snapshot_seq);
  }

  // Entries after the snapshot are replayed on top of it, to the home store's state.
  for (int i = 150; i < 170; ++i) head = Put(i)->seq;
  ASSERT_TRUE(WaitForAck(head));
  auto home_digest = people_->Digest();
  ASSERT_TRUE(home_digest.ok());
  auto to_head = Restore("to-head.db");
  ASSERT_TRUE(to_head.ok()) << to_head.status().ToString();
  EXPECT_GE(to_head->snapshot_seq, snapshot_seq);
  EXPECT_EQ(to_head->head.seq, head);
  EXPECT_EQ(to_head->digest.digest, home_digest->digest);

  // A chunk altered at the embassy: the restore from it fails naming it and leaves no
  // store behind; the embassy's own check finds it; the journal alone still restores.
  home_.reset();
  std::string path = SnapshotChunkPath(snapshots.back().dir, 0);
  std::string bytes = *ReadFile(path);
  bytes[bytes.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(path, bytes, false).ok());
  auto altered = Restore("altered.db", snapshot_seq);
  ASSERT_FALSE(altered.ok());
  EXPECT_EQ(altered.status().code(), Code::kDataLoss) << altered.status().ToString();
  EXPECT_NE(altered.status().message().find("chunk 0"), std::string::npos) << altered.status().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "altered.db")) << "a failed restore leaves no store";
  EXPECT_FALSE(CheckNodeDirectory(archive_ + "/people", "people").ok());
  auto journal_only = Restore("journal-only.db", snapshot_seq, [](RestoreOptions& o) { o.use_snapshots = false; });
  ASSERT_TRUE(journal_only.ok()) << journal_only.status().ToString();
  EXPECT_EQ(journal_only->digest.digest, from_snapshot->digest.digest);
}

// After the first snapshot (at snapshot_every_kib), the next waits for as much journal
// as the last one's file: a snapshot copies the whole store, so a growing store is not
// copied ever more often for the same journal.
TEST_F(ShippingTest, TheNextSnapshotWaitsForAsMuchJournalAsTheLastOneHeld) {
  int64_t head = 0;
  ASSERT_NO_FATAL_FAILURE(ShipWithSnapshots(head));  // one every 4 KiB of journal at least
  // The newest complete snapshot at the embassy (seq 0: none).
  auto newest = [&] {
    auto listed = ListSnapshots(archive_ + "/people");
    return listed.ok() && !listed->empty() ? listed->back() : ArchivedSnapshot{};
  };
  // The newest snapshot once none has arrived for a second (one under way has finished).
  auto settled = [&] {
    int64_t seq = -1;
    for (int still = 0, waited = 0; still < 1000 && waited < 15000; waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const int64_t now = newest().seq;
      still = now == seq && now > 0 ? still + 50 : 0;
      seq = now;
    }
    return newest();
  };
  const ArchivedSnapshot first = settled();
  ASSERT_GT(first.seq, 0) << home_->ShippingStatus().dump();
  auto manifest = ParseJson(*ReadFile(first.dir + "/manifest.json"));
  ASSERT_TRUE(manifest.ok());
  const int64_t file_bytes = (*manifest)["file_bytes"].get<int64_t>();
  ASSERT_GT(file_bytes, 16 << 10);  // four times the fixed step: the rule shows
  // The journal's bytes since the first snapshot, counting only what came since the last
  // call (each Put adds one entry).
  int64_t counted_to = first.seq, bytes_since_first = 0;
  auto journal_after_first = [&] {
    auto entries = people_->ReadJournal(counted_to, 1 << 20);
    for (const auto& e : entries.ok() ? *entries : std::vector<store::JournalEntry>{}) {
      bytes_since_first += static_cast<int64_t>(e.changes.size());
      counted_to = e.seq;
    }
    return bytes_since_first;
  };
  // Journal of a third of that file: under the old fixed step, several snapshots.
  int i = 1000;
  while (journal_after_first() < file_bytes / 3) head = Put(i++)->seq;
  ASSERT_TRUE(WaitForAck(head));
  EXPECT_EQ(settled().seq, first.seq) << "a snapshot after " << journal_after_first()
                                      << " bytes of journal, the last one's file " << file_bytes;
  // Twice the file: the next one comes.
  while (journal_after_first() < 2 * file_bytes) head = Put(i++)->seq;
  ASSERT_TRUE(WaitForAck(head));
  for (int waited = 0; waited < 15000 && newest().seq == first.seq; waited += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(newest().seq, first.seq) << home_->ShippingStatus().dump();
}

// A checkpoint is what a restore must meet. One whose digest the node never had (re-signed
// with the node's own key, as a thief of that key could), or that names another seq or
// another node, stops the restore on every path: from the snapshot (its signed bytes),
// from the snapshot with the digest recomputed, and replaying the whole journal.
TEST_F(ShippingTest, ACheckpointThatDoesNotMatchStopsEveryKindOfRestore) {
  int64_t head = 0;
  ASSERT_NO_FATAL_FAILURE(ShipWithSnapshots(head));
  const std::string checkpoints = archive_ + "/people/checkpoints/";
  int64_t snapshot_seq = 0;
  for (int waited = 0; waited < 15000 && snapshot_seq == 0; waited += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto listed = ListSnapshots(archive_ + "/people");
    if (listed.ok() && !listed->empty() && fs::exists(checkpoints + PaddedSeq(listed->back().seq) + ".json")) {
      snapshot_seq = listed->back().seq;
    }
  }
  ASSERT_GT(snapshot_seq, 0) << home_->ShippingStatus().dump();
  home_.reset();                                                                        // nothing more arrives
  auto key = ParsePrivateKeyPem(ReadFile(site_->dir() + "/node-signing.key").value());  // the node's own
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string path = checkpoints + PaddedSeq(snapshot_seq) + ".json";
  const std::string genuine = *ReadFile(path);
  ASSERT_TRUE(Restore("genuine.db", snapshot_seq).ok());

  auto checkpoint = CheckCheckpoint(genuine, key->get());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  store::StateDigest forged{snapshot_seq, checkpoint->digest, checkpoint->tables, checkpoint->rows};
  forged.digest[0] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(path, *SignCheckpoint("people", forged, key->get()), false).ok());
  auto from_snapshot = Restore("from-snapshot.db", snapshot_seq);
  ASSERT_FALSE(from_snapshot.ok());
  EXPECT_EQ(from_snapshot.status().code(), Code::kDataLoss) << from_snapshot.status().ToString();
  EXPECT_NE(from_snapshot.status().message().find("but the node's checkpoint there says"), std::string::npos)
      << from_snapshot.status().ToString();
  for (bool replay : {false, true}) {
    auto refused = Restore(replay ? "replayed.db" : "recomputed.db", snapshot_seq, [&](RestoreOptions& o) {
      o.recompute_digest = true;
      o.use_snapshots = !replay;
    });
    ASSERT_FALSE(refused.ok()) << (replay ? "full replay" : "recomputed");
    EXPECT_EQ(refused.status().code(), Code::kDataLoss) << refused.status().ToString();
    EXPECT_NE(refused.status().message().find("the state rebuilt at seq " + std::to_string(snapshot_seq)),
              std::string::npos)
        << refused.status().ToString();
    EXPECT_FALSE(fs::exists(dir_ / (replay ? "replayed.db" : "recomputed.db"))) << "a failed restore leaves no store";
  }

  // Another seq's checkpoint under this seq's name, and another node's.
  store::StateDigest other_seq{snapshot_seq - 1, checkpoint->digest, checkpoint->tables, checkpoint->rows};
  ASSERT_TRUE(WriteFileAtomic(path, *SignCheckpoint("people", other_seq, key->get()), false).ok());
  auto moved = Restore("moved.db", snapshot_seq);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.status().message().find("is not people's checkpoint at its seq"), std::string::npos)
      << moved.status().ToString();
  store::StateDigest same{snapshot_seq, checkpoint->digest, checkpoint->tables, checkpoint->rows};
  ASSERT_TRUE(WriteFileAtomic(path, *SignCheckpoint("population", same, key->get()), false).ok());
  auto foreign = Restore("foreign.db", snapshot_seq);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("is not people's checkpoint at its seq"), std::string::npos)
      << foreign.status().ToString();

  ASSERT_TRUE(WriteFileAtomic(path, genuine, false).ok());  // put back: restores again
  EXPECT_TRUE(Restore("again.db", snapshot_seq).ok());
}

// Finding 5 of issue 13, whole: someone with the embassy's disk replaces a node's signer,
// wrapped key and segments together: a signer from another CA (its own state's), a data
// key of its own wrapped to our master key (whose public half is public) and segments
// sealed and signed with them. Every check inside the archive passes, and our master
// key opens the data key; the restore refuses because the signer does not chain to the
// root the custodians' shares name (`riik embassy restore` takes it from them).
TEST_F(ShippingTest, AnArchiveReplacedWholeUnderAnotherCaIsRefused) {
  StartEmbassy();
  StartHome("async");
  int64_t head = 0;
  for (int i = 0; i < 40; ++i) head = Put(i)->seq;
  ASSERT_TRUE(WaitForAck(head));
  auto entries = people_->ReadJournal(0, 100000);  // the same journal, sealed again below
  ASSERT_TRUE(entries.ok());
  home_.reset();
  ASSERT_TRUE(Restore("genuine.db").ok());
  site_->StopEmbassy();

  auto other = riik::testing::EmbassySite::Create(dir_ / "other-state");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const std::string other_dir = (*other)->dir();
  auto key = ParsePrivateKeyPem(ReadFile(other_dir + "/node-signing.key").value());
  ASSERT_TRUE(key.ok());
  auto master_public = ReadMasterPublicKey(site_->dir() + "/custody/master.pub");
  ASSERT_TRUE(master_public.ok()) << master_public.status().ToString();
  const std::string data_key = NewDataKey();
  auto wrapped = WrapDataKey(data_key, *master_public, "people");
  ASSERT_TRUE(wrapped.ok());
  auto sealed = SealSegment(*entries, FirstSegmentPrev(), data_key, key->get());
  ASSERT_TRUE(sealed.ok());
  fs::remove_all(archive_ + "/people");
  {
    auto archive = Archive::Open(archive_);
    ASSERT_TRUE(archive.ok());
    ASSERT_TRUE((*archive)->PutSigner("people", ReadFile(other_dir + "/node-signing.pem").value()).ok());
    ASSERT_TRUE((*archive)->PutKey("people", *wrapped).ok());
    ASSERT_TRUE((*archive)->Append("people", sealed->bytes).ok());
  }
  auto inside = CheckNodeDirectory(archive_ + "/people", "people");
  ASSERT_TRUE(inside.ok()) << "the replaced archive is consistent in itself: " << inside.status().ToString();

  auto refused = Restore("replaced.db");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("the segments' signer"), std::string::npos) << refused.status().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "replaced.db"));
}

TEST_F(ShippingTest, SeveralEmbassiesEachHoldEverythingAndOneSufficesForSync) {
  StartEmbassy();
  ASSERT_TRUE(site_->StartEmbassy(0, 1).ok());
  StartHome("sync", 3000);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Put(i).ok());
  // One embassy away: commits are still confirmed by the other, and it catches up later.
  uint16_t second_port = site_->port(1);
  site_->StopEmbassy(1);
  int64_t head = 0;
  for (int i = 20; i < 40; ++i) {
    auto h = Put(i);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    head = h->seq;
  }
  ASSERT_TRUE(site_->StartEmbassy(second_port, 1).ok());
  bool both = false;
  for (int waited = 0; waited < 15000 && !both; waited += 50) {
    auto a = CheckNodeDirectory(site_->archive(0) + "/people", "people");
    auto b = CheckNodeDirectory(site_->archive(1) + "/people", "people");
    both = a.ok() && b.ok() && a->last_seq == head && b->last_seq == head;
    if (!both) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(both) << home_->ShippingStatus().dump();
}

TEST_F(ShippingTest, TheEmbassyLetsInOnlyItsSenders) {
  // The embassy's own certificate is not a sender: a node shipping with it is refused at
  // the handshake, before it sends a byte of any request.
  StartEmbassy();
  node::NodeConfig c;
  c.data_dir = dir_ / "intruder";
  c.roles.push_back(node::RoleConfig{"status", "status", {}, {}});
  c.shipping = site_->Shipping("async");
  c.shipping->settings["tls_cert"] = site_->dir() + "/embassy-auth.pem";  // not a sender's
  c.shipping->settings["tls_key"] = site_->dir() + "/embassy-auth.key";
  auto intruder = node::Node::Start(c);
  ASSERT_TRUE(intruder.ok()) << intruder.status().ToString();
  std::string error;
  for (int waited = 0; waited < 10000 && error.empty(); waited += 50) {
    for (const auto& s : (*intruder)->ShippingStatus()) {
      if (s["embassies"][0]["error"].is_string()) error = s["embassies"][0]["error"];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(error.find("only this embassy's senders"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(archive_ + "/node/segments"));
}

}  // namespace
}  // namespace riik::embassy
