// The embassy's archive on a disk that fails (full, EIO on write, EIO on fsync) and on
// a machine that crashes at every point of its work, dropping what was not synced
// (support/fault_env.h). What the archive acknowledged is never lost, what it holds
// always passes its own check, and it takes the rest afterwards.
#include <gtest/gtest.h>

#include <cerrno>

#include "crypto/self_signed.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/data_key.h"
#include "embassy/segment.h"
#include "embassy/snapshot.h"
#include "store/store.h"
#include "support/fault_env.h"
#include "support/temp_dir.h"

namespace riik::embassy {
namespace {

using riik::testing::FaultEnv;
using riik::testing::TempDir;

constexpr const char* kNode = "population";

// What a node ships, sealed once: its signer, wrapped key, four segments, and a snapshot
// (chunks, manifest, the checkpoint at its seq).
struct Shipment {
  std::string signer_pem, wrapped_key;
  std::vector<SealedSegment> segments;
  std::vector<std::string> chunks;
  std::string manifest, checkpoint;
  int64_t snapshot_seq = 0;
};

class ArchiveFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shipment_ = new Shipment;
    TempDir dir;
    auto store = store::Store::Open({"sqlite:" + dir / "node.db", kNode});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        (*store)
            ->EnsureTables(
                {{"persons", {{"code", store::ColumnType::kText}, {"name", store::ColumnType::kText}}, {"code"}, {}}})
            .ok());
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE((*store)
                      ->Write([&](store::WriteTxn& t) {
                        return t.Put("persons", {{"code", "4920229" + std::to_string(1000 + i)},
                                                 {"name", "Tõnis Mägi " + std::to_string(i)}});
                      })
                      .ok());
    }
    auto id = MakeSelfSigned("EE population register (test)", {"localhost"}, 30);
    ASSERT_TRUE(id.ok());
    auto key = ParsePrivateKeyPem(id->key_pem);
    ASSERT_TRUE(key.ok());
    shipment_->signer_pem = id->cert_pem;
    std::string data_key = NewDataKey();
    auto wrapped = WrapDataKey(data_key, *MasterPublicKey(NewMasterSecret()), kNode);
    ASSERT_TRUE(wrapped.ok());
    shipment_->wrapped_key = *wrapped;
    auto entries = (*store)->ReadJournal(0, 1000);
    ASSERT_TRUE(entries.ok());
    std::string prev = FirstSegmentPrev();
    const size_t per = entries->size() / 4 + 1;
    for (size_t from = 0; from < entries->size(); from += per) {
      std::vector<store::JournalEntry> part(entries->begin() + from,
                                            entries->begin() + std::min(entries->size(), from + per));
      auto sealed = SealSegment(part, prev, data_key, key->get());
      ASSERT_TRUE(sealed.ok());
      prev = sealed->hash;
      shipment_->segments.push_back(std::move(*sealed));
    }
    auto taken = TakeSnapshot(dir / "node.db", kNode, dir.path().string(), data_key, key->get(),
                              [](const store::JournalHead&, size_t, std::string_view bytes) {
                                shipment_->chunks.emplace_back(bytes);
                                return OkStatus();
                              });
    ASSERT_TRUE(taken.ok()) << taken.status().ToString();
    shipment_->manifest = taken->manifest;
    shipment_->checkpoint = taken->checkpoint;
    shipment_->snapshot_seq = taken->head.seq;
  }
  static void TearDownTestSuite() { delete shipment_; }

  static int64_t LastSeq(size_t segment) { return shipment_->segments[segment].header.last_seq; }

  // The archive at `root_` on the fault env.
  std::unique_ptr<Archive> OpenOnFaultEnv() {
    auto archive = Archive::Open(root_, env_);
    EXPECT_TRUE(archive.ok()) << archive.status().ToString();
    return archive.ok() ? std::move(*archive) : nullptr;
  }
  // Reopened on the real disk: every node's chain is checked again.
  ArchiveHead Reopened() {
    auto archive = Archive::Open(root_);
    EXPECT_TRUE(archive.ok()) << archive.status().ToString();
    if (!archive.ok()) return {};
    auto head = (*archive)->Head(kNode);
    EXPECT_TRUE(head.ok());
    return head.ok() ? *head : ArchiveHead{};
  }
  // No write in progress was left behind in the segments' directory.
  void ExpectNoTemporaries() {
    auto names = Env::Default().GetChildren(root_ + "/" + kNode + "/segments");
    ASSERT_TRUE(names.ok());
    for (const std::string& name : *names) EXPECT_FALSE(IsTemporaryName(name)) << name;
  }

  static Shipment* shipment_;
  TempDir dir_;
  std::string root_ = dir_ / "archive";
  FaultEnv env_;
};

Shipment* ArchiveFaultTest::shipment_ = nullptr;

TEST_F(ArchiveFaultTest, AFullDiskRefusesTheSegmentClearlyAndKeepsEverythingElse) {
  auto archive = OpenOnFaultEnv();
  ASSERT_TRUE(archive);
  // A quota that holds exactly what is sent: a failed write must not count against it.
  uint64_t everything = shipment_->signer_pem.size() + 64;
  for (const SealedSegment& s : shipment_->segments) everything += s.bytes.size();
  archive->set_quota_bytes(everything);
  ASSERT_TRUE(archive->PutSigner(kNode, shipment_->signer_pem).ok());
  for (size_t i = 0; i < 2; ++i) ASSERT_TRUE(archive->Append(kNode, shipment_->segments[i].bytes).ok());
  env_.SetSpaceLeft(100);  // less than a segment
  auto refused = archive->Append(kNode, shipment_->segments[2].bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("No space left on device"), std::string::npos);
  EXPECT_EQ(archive->Head(kNode)->last_seq, LastSeq(1));
  ExpectNoTemporaries();
  EXPECT_EQ(Reopened().last_seq, LastSeq(1));

  env_.Heal();  // space freed: the same segment goes in, and the next
  ASSERT_TRUE(archive->Append(kNode, shipment_->segments[2].bytes).ok());
  ASSERT_TRUE(archive->Append(kNode, shipment_->segments[3].bytes).ok());
  ArchiveHead head = Reopened();
  EXPECT_TRUE(head.problem.ok()) << head.problem.ToString();
  EXPECT_EQ(head.last_seq, LastSeq(3));
}

TEST_F(ArchiveFaultTest, EioOnWriteOrOnFsyncIsAnErrorNeverAnAcknowledgement) {
  auto archive = OpenOnFaultEnv();
  ASSERT_TRUE(archive);
  ASSERT_TRUE(archive->PutSigner(kNode, shipment_->signer_pem).ok());
  ASSERT_TRUE(archive->Append(kNode, shipment_->segments[0].bytes).ok());
  for (bool on_sync : {false, true}) {
    if (on_sync) {
      env_.FailSyncs(EIO);
    } else {
      env_.FailAppends(EIO);
    }
    auto refused = archive->Append(kNode, shipment_->segments[1].bytes);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().ToString();
    EXPECT_NE(refused.status().message().find("Input/output error"), std::string::npos);
    EXPECT_EQ(archive->Head(kNode)->last_seq, LastSeq(0));
    EXPECT_FALSE(archive->PutCheckpoint(kNode, shipment_->checkpoint).ok());
    env_.Heal();
  }
  ExpectNoTemporaries();
  // A crash now (after the failed fsync) loses nothing that was acknowledged.
  env_.Crash();
  EXPECT_EQ(Reopened().last_seq, LastSeq(0));
  for (size_t i = 1; i < 4; ++i) ASSERT_TRUE(archive->Append(kNode, shipment_->segments[i].bytes).ok());
  EXPECT_EQ(Reopened().last_seq, LastSeq(3));
}

// The whole of a node's shipping, with the machine going down after 0, 1, 2, ... calls
// that change the disk, until one run goes through: after each crash the archive opens
// clean, holds at least all it acknowledged, and takes the rest as the shipper resends it.
TEST_F(ArchiveFaultTest, ACrashAtAnyPointLosesNothingAcknowledgedAndLeavesNothingCorrupt) {
  const Shipment& s = *shipment_;
  int runs = 0;
  for (int64_t crash_after = 0;; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after) + " calls");
    TempDir dir;
    root_ = dir / "archive";
    FaultEnv env;
    env.CrashAfter(crash_after);
    bool completed = false;
    int64_t acked_seq = 0, acked_checkpoint = 0, acked_snapshot = 0;
    bool acked_signer = false, acked_key = false;
    {
      auto archive = Archive::Open(root_, env);
      if (archive.ok()) {
        Archive& a = **archive;
        acked_signer = a.PutSigner(kNode, s.signer_pem).ok();
        acked_key = acked_signer && a.PutKey(kNode, s.wrapped_key).ok();
        for (const SealedSegment& segment : s.segments) {
          if (!acked_key || !a.Append(kNode, segment.bytes).ok()) break;
          acked_seq = segment.header.last_seq;
        }
        if (acked_seq == s.segments.back().header.last_seq && a.PutCheckpoint(kNode, s.checkpoint).ok()) {
          acked_checkpoint = s.snapshot_seq;
          bool chunks = true;
          for (size_t i = 0; i < s.chunks.size() && chunks; ++i) {
            chunks = a.PutSnapshotChunk(kNode, s.snapshot_seq, i, s.chunks[i]).ok();
          }
          if (chunks && a.PutSnapshot(kNode, s.manifest).ok()) acked_snapshot = s.snapshot_seq;
        }
        completed = acked_snapshot != 0 && env.mutations() <= crash_after;
      }
    }
    env.Crash();

    auto reopened = Archive::Open(root_);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    ArchiveHead head = *(*reopened)->Head(kNode);
    ASSERT_TRUE(head.problem.ok()) << head.problem.ToString();
    EXPECT_GE(head.last_seq, acked_seq);
    EXPECT_GE(head.checkpoint_seq, acked_checkpoint);
    EXPECT_GE(head.snapshot_seq, acked_snapshot);
    if (acked_key) {
      EXPECT_EQ(head.key_ids.size(), 1u);
    }

    // The shipper resends from the archive's head; everything arrives.
    Archive& a = **reopened;
    ASSERT_TRUE(a.PutSigner(kNode, s.signer_pem).ok());
    ASSERT_TRUE(a.PutKey(kNode, s.wrapped_key).ok());
    for (const SealedSegment& segment : s.segments) {
      if (segment.header.first_seq <= head.last_seq) continue;
      auto appended = a.Append(kNode, segment.bytes);
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    }
    ASSERT_TRUE(a.PutCheckpoint(kNode, s.checkpoint).ok());
    if (head.snapshot_seq == 0) {
      for (size_t i = 0; i < s.chunks.size(); ++i) {
        ASSERT_TRUE(a.PutSnapshotChunk(kNode, s.snapshot_seq, i, s.chunks[i]).ok());
      }
      ASSERT_TRUE(a.PutSnapshot(kNode, s.manifest).ok());
    }
    auto checked = CheckNodeDirectory(root_ + "/" + kNode, kNode);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    EXPECT_EQ(checked->last_seq, s.segments.back().header.last_seq);
    EXPECT_EQ(checked->snapshot_seq, s.snapshot_seq);
    ++runs;
    if (completed) break;
    ASSERT_LT(crash_after, 1000) << "the shipping never completes";
  }
  EXPECT_GT(runs, 30);  // every step of every write was a crash point
}

}  // namespace
}  // namespace riik::embassy
