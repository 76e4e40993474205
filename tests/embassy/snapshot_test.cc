// Snapshots at the embassy: complete only with a manifest the node signed, at a seq the
// archive holds, over chunks that are the ones it lists; the newest few are kept.
#include "embassy/snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "crypto/self_signed.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/data_key.h"
#include "embassy/segment.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace riik::embassy {
namespace {

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({"sqlite:" + dir_ / "node.db", "population"});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(
        store_
            ->EnsureTables(
                {{"persons", {{"code", store::ColumnType::kText}, {"name", store::ColumnType::kText}}, {"code"}, {}}})
            .ok());
    auto id = MakeSelfSigned("EE population register (test)", {"localhost"}, 30);
    ASSERT_TRUE(id.ok());
    auto key = ParsePrivateKeyPem(id->key_pem);
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
    auto archive = Archive::Open(dir_ / "archive");
    ASSERT_TRUE(archive.ok());
    archive_ = std::move(*archive);
    ASSERT_TRUE(archive_->PutSigner("population", id->cert_pem).ok());
    data_key_ = NewDataKey();
  }

  // Adds rows and ships the journal written since the last call as one segment.
  void WriteAndShip(int rows) {
    for (int i = 0; i < rows; ++i, ++written_) {
      ASSERT_TRUE(store_
                      ->Write([&](store::WriteTxn& t) {
                        return t.Put("persons", {{"code", "4920229" + std::to_string(1000 + written_)},
                                                 {"name", "Jüri Jõgi " + std::to_string(written_)}});
                      })
                      .ok());
    }
    auto entries = store_->ReadJournal(shipped_, 1000);
    ASSERT_TRUE(entries.ok() && !entries->empty());
    auto sealed = SealSegment(*entries, prev_, data_key_, key_.get());
    ASSERT_TRUE(sealed.ok());
    ASSERT_TRUE(archive_->Append("population", sealed->bytes).ok());
    prev_ = sealed->hash;
    shipped_ = entries->back().seq;
  }

  // Takes a snapshot, its chunks kept at the embassy as they are sealed.
  Result<TakenSnapshot> Snapshot() {
    return TakeSnapshot(dir_ / "node.db", "population", dir_.path().string(), data_key_, key_.get(),
                        [&](const store::JournalHead& head, size_t index, std::string_view bytes) {
                          return archive_->PutSnapshotChunk("population", head.seq, index, bytes);
                        });
  }
  std::string SnapshotDir(int64_t seq) { return archive_->root() + "/population/snapshots/" + PaddedSeq(seq); }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  UniquePtr<EVP_PKEY> key_;
  std::unique_ptr<Archive> archive_;
  std::string data_key_, prev_ = FirstSegmentPrev();
  int written_ = 0;
  int64_t shipped_ = 0;
};

TEST_F(SnapshotTest, CompleteOnlyWithTheSignedManifestOverTheListedChunks) {
  WriteAndShip(20);
  auto taken = Snapshot();
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  const int64_t seq = taken->head.seq;
  auto manifest = CheckSnapshotManifest(
      taken->manifest,
      X509_get0_pubkey(ParseCertificatePem(*ReadFile(archive_->root() + "/population/signer.pem"))->get()));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->seq, seq);
  EXPECT_EQ(manifest->digest, store_->Digest()->digest);
  EXPECT_EQ(ListSnapshots(archive_->root() + "/population")->size(), 0u) << "not complete without its manifest";

  // Signed by someone else: refused.
  auto other = GenerateEcKey("P-256");
  auto forged = TakeSnapshot(dir_ / "node.db", "population", dir_.path().string(), data_key_, other->get(),
                             [](const store::JournalHead&, size_t, std::string_view) { return OkStatus(); });
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(archive_->PutSnapshot("population", forged->manifest).code(), Code::kDataLoss);

  // A chunk altered before the manifest comes: refused, naming it.
  std::string chunk_path = SnapshotChunkPath(SnapshotDir(seq), 0);
  std::string good = *ReadFile(chunk_path), bad = good;
  bad[bad.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(chunk_path, bad, false).ok());
  Status altered = archive_->PutSnapshot("population", taken->manifest);
  EXPECT_EQ(altered.code(), Code::kDataLoss);
  EXPECT_NE(altered.message().find("chunk 0"), std::string::npos) << altered.ToString();
  // Missing: not yet complete.
  std::filesystem::remove(chunk_path);
  EXPECT_EQ(archive_->PutSnapshot("population", taken->manifest).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(WriteFileAtomic(chunk_path, good, false).ok());

  ASSERT_TRUE(archive_->PutSnapshot("population", taken->manifest).ok());
  EXPECT_EQ(archive_->Head("population")->snapshot_seq, seq);
  auto checked = CheckNodeDirectory(archive_->root() + "/population", "population");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->snapshot_seq, seq);
  // Complete: no more chunks for it.
  EXPECT_EQ(archive_->PutSnapshotChunk("population", seq, 0, good).code(), Code::kAlreadyExists);
}

TEST_F(SnapshotTest, NotBeforeTheJournalIsHeldAndOnlyTheNewestAreKept) {
  WriteAndShip(5);
  WriteAndShip(1);  // a second segment
  auto ahead = Snapshot();
  ASSERT_TRUE(ahead.ok());
  // Written after the snapshot but not shipped: the archive holds less than it.
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.Put("persons", {{"code", "x"}, {"name", "y"}}); }).ok());
  auto beyond = Snapshot();
  ASSERT_TRUE(beyond.ok());
  Status early = archive_->PutSnapshot("population", beyond->manifest);
  EXPECT_EQ(early.code(), Code::kFailedPrecondition);
  EXPECT_NE(early.message().find("ship the segments first"), std::string::npos) << early.ToString();
  WriteAndShip(1);

  archive_->set_keep_snapshots(2);
  std::vector<int64_t> seqs;
  for (int round = 0; round < 4; ++round) {
    WriteAndShip(3);
    auto taken = Snapshot();
    ASSERT_TRUE(taken.ok());
    ASSERT_TRUE(archive_->PutSnapshot("population", taken->manifest).ok());
    seqs.push_back(taken->head.seq);
  }
  auto kept = ListSnapshots(archive_->root() + "/population");
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 2u);
  EXPECT_EQ((*kept)[0].seq, seqs[2]);
  EXPECT_EQ((*kept)[1].seq, seqs[3]);
  // The one whose manifest never came is gone too.
  EXPECT_FALSE(std::filesystem::exists(SnapshotDir(beyond->head.seq)));
}

}  // namespace
}  // namespace riik::embassy
