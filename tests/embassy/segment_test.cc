// Journal segments: sealed, checked at the embassy without the key (signature, chain),
// opened for a restore with it (every entry's hash chain); any altered byte, a dropped,
// reordered or replayed segment, and a wrong key are caught.
#include "embassy/segment.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <fstream>

#include "../fuzz/seeds.h"
#include "crypto/x509.h"
#include "embassy/data_key.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace riik::embassy {
namespace {

class SegmentTest : public ::testing::Test {
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
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(store_
                      ->Write([&](store::WriteTxn& t) {
                        return t.Put("persons", {{"code", "3800108" + std::to_string(1000 + i)},
                                                 {"name", "Mari-Liis Männik " + std::to_string(i)}});
                      })
                      .ok());
    }
    auto entries = store_->ReadJournal(0, 1000);
    ASSERT_TRUE(entries.ok());
    entries_ = *entries;
    auto key = GenerateEcKey("P-256");
    ASSERT_TRUE(key.ok());
    signing_key_ = std::move(*key);
    data_key_.resize(kDataKeyBytes);
    randombytes_buf(data_key_.data(), data_key_.size());
  }
  std::vector<store::JournalEntry> Range(size_t from, size_t to) {
    return std::vector<store::JournalEntry>(entries_.begin() + from, entries_.begin() + to);
  }
  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<store::JournalEntry> entries_;
  UniquePtr<EVP_PKEY> signing_key_;
  std::string data_key_;
};

TEST_F(SegmentTest, SealedSegmentsChainCheckWithoutTheKeyAndOpenWithIt) {
  auto first = SealSegment(Range(0, 20), FirstSegmentPrev(), data_key_, signing_key_.get());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = SealSegment(Range(20, entries_.size()), first->hash, data_key_, signing_key_.get());
  ASSERT_TRUE(second.ok());
  // The embassy: no key, only the node's public key and its last segment's hash.
  auto kept = CheckSegment(first->bytes, signing_key_.get(), FirstSegmentPrev());
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->header.last_seq, entries_[19].seq);
  EXPECT_TRUE(CheckSegment(second->bytes, signing_key_.get(), kept->hash).ok());
  // Nothing of the data in the clear.
  EXPECT_EQ(first->bytes.find("Männik"), std::string::npos);
  EXPECT_EQ(first->bytes.find("3800108"), std::string::npos);
  // A restore with the key gets the entries back, chained.
  auto opened = OpenSegment(first->bytes, data_key_, signing_key_.get(), FirstSegmentPrev(), nullptr);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->size(), 20u);
  EXPECT_EQ(opened->back().hash, entries_[19].hash);
  auto rest = OpenSegment(second->bytes, data_key_, signing_key_.get(), first->hash, &opened->back());
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->back().seq, entries_.back().seq);
}

TEST_F(SegmentTest, AlteredDroppedReplayedAndWrongKeyAreCaught) {
  auto first = SealSegment(Range(0, 10), FirstSegmentPrev(), data_key_, signing_key_.get());
  auto second = SealSegment(Range(10, 20), first->hash, data_key_, signing_key_.get());
  auto third = SealSegment(Range(20, 30), second->hash, data_key_, signing_key_.get());
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  for (size_t at : {size_t{3}, size_t{40}, first->bytes.size() / 2, first->bytes.size() - 3}) {
    std::string flipped = first->bytes;
    flipped[at] ^= 0x01;
    EXPECT_FALSE(CheckSegment(flipped, signing_key_.get(), FirstSegmentPrev()).ok()) << "byte " << at;
  }
  auto dropped = CheckSegment(third->bytes, signing_key_.get(), first->hash);  // the second never arrived
  EXPECT_EQ(dropped.status().code(), Code::kDataLoss);
  EXPECT_NE(dropped.status().message().find("dropped, reordered or replayed"), std::string::npos);
  EXPECT_FALSE(CheckSegment(first->bytes, signing_key_.get(), second->hash).ok());  // replayed
  auto other_key = GenerateEcKey("P-256");
  EXPECT_NE(CheckSegment(first->bytes, other_key->get(), FirstSegmentPrev()).status().message().find("signature"),
            std::string::npos);
  std::string wrong(kDataKeyBytes, 'x');
  EXPECT_EQ(OpenSegment(first->bytes, wrong, signing_key_.get(), FirstSegmentPrev(), nullptr).status().code(),
            Code::kPermissionDenied);
  // Opened after the wrong entry: the chain of entries does not link.
  EXPECT_FALSE(OpenSegment(second->bytes, data_key_, signing_key_.get(), first->hash, nullptr).ok());
  EXPECT_FALSE(CheckSegment("RIIKSEG1", signing_key_.get(), FirstSegmentPrev()).ok());
  EXPECT_FALSE(CheckSegment("", signing_key_.get(), FirstSegmentPrev()).ok());
}

// Writes fuzz/segment_corpus/valid_segment.bin (RIIK_SEGMENT_CORPUS): entries 1..5 sealed
// with the fuzz fixture's signing key and data key (fuzz/seeds.h, fuzz/segment_fuzz.cc):
//   RIIK_SEGMENT_CORPUS=fuzz/segment_corpus build/release/tests/embassy_test
//     --gtest_also_run_disabled_tests --gtest_filter='*WriteSegmentFuzzCorpus'
TEST_F(SegmentTest, DISABLED_WriteSegmentFuzzCorpus) {
  const char* dir = std::getenv("RIIK_SEGMENT_CORPUS");
  ASSERT_NE(dir, nullptr);
  auto key = ParsePrivateKeyPem(riik::fuzz::kFixtureKeyPem);
  ASSERT_TRUE(key.ok());
  auto sealed = SealSegment(Range(0, 5), FirstSegmentPrev(), std::string(kDataKeyBytes, 'k'), key->get());
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  std::ofstream(std::string(dir) + "/valid_segment.bin", std::ios::binary) << sealed->bytes;
}

TEST(DataKeyTest, WrappedToTheMasterPublicKeyAndBoundToTheNode) {
  std::string master = NewMasterSecret(), data = NewDataKey();
  auto pub = MasterPublicKey(master);
  ASSERT_TRUE(pub.ok());
  auto wrapped = WrapDataKey(data, *pub, "population");  // the node needs only the public half
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->find(data), std::string::npos);
  auto back = UnwrapDataKey(*wrapped, master, "population");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, data);
  EXPECT_EQ(UnwrapDataKey(*wrapped, NewMasterSecret(), "population").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(UnwrapDataKey(*wrapped, master, "tax").status().code(), Code::kDataLoss);
  // Relabelled as another node's: the name sealed inside says otherwise.
  std::string relabelled = *wrapped;
  relabelled.replace(relabelled.find("\"population\""), 12, "\"tax\"");
  EXPECT_EQ(UnwrapDataKey(relabelled, master, "tax").status().code(), Code::kDataLoss);
  EXPECT_EQ(UnwrapDataKey("{}", master, "population").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace riik::embassy
