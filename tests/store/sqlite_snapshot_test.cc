// SQLite snapshots: a copy of the tables at one seq while the writer carries on, and
// its journal filled back in only by the entries that link to its head.
#include "store/sqlite_snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/store.h"
#include "support/temp_dir.h"

namespace riik::store {
namespace {

const TableSchema kPersons = {"persons",
                              {{"code", ColumnType::kText}, {"name", ColumnType::kText}, {"born", ColumnType::kInt}},
                              {"code"},
                              {{"name"}}};

class SqliteSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open({"sqlite:" + dir_ / "live.db", "population"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    live_ = std::move(*s);
    ASSERT_TRUE(live_->EnsureTables({kPersons}).ok());
    for (int i = 0; i < 5; ++i) Put(i);
  }
  void Put(int i) {
    auto head = live_->Write([&](WriteTxn& t) {
      return t.Put("persons", {{"code", "3900101" + std::to_string(1000 + i)},
                               {"name", "Mari Maasikas " + std::to_string(i)},
                               {"born", int64_t{1990 + i}}});
    });
    ASSERT_TRUE(head.ok()) << head.status().ToString();
  }
  std::vector<JournalEntry> Journal() { return *live_->ReadJournal(0, 1000); }

  riik::testing::TempDir dir_;
  std::unique_ptr<Store> live_;
};

TEST_F(SqliteSnapshotTest, HoldsTheTablesAndTheHeadAndFillsInToTheSameStore) {
  const std::string path = dir_ / "snap.db";
  auto head = WriteSqliteSnapshot(dir_ / "live.db", path);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->seq, live_->Head().seq);
  EXPECT_EQ(head->hash, live_->Head().hash);
  auto digest = live_->Digest();
  ASSERT_TRUE(digest.ok());
  Put(99);  // the live store moves on; the snapshot does not

  // As taken: the state at its head, the journal holding only the head.
  {
    StoreOptions o{"sqlite:" + path, "population"};
    o.read_only = true;
    auto snap = Store::Open(o);
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    auto snap_digest = (*snap)->Digest();
    ASSERT_TRUE(snap_digest.ok());
    EXPECT_EQ(snap_digest->digest, digest->digest);
    EXPECT_EQ(snap_digest->seq, head->seq);
    EXPECT_EQ((*snap)->ReadJournal(0, 100)->size(), 1u);
  }
  EXPECT_EQ(WriteSqliteSnapshot(dir_ / "live.db", path).status().code(), Code::kAlreadyExists);

  auto filler = SnapshotJournalFiller::Open(path);
  ASSERT_TRUE(filler.ok()) << filler.status().ToString();
  EXPECT_EQ((*filler)->head().seq, head->seq);
  std::vector<JournalEntry> journal = Journal();
  journal.resize(static_cast<size_t>(head->seq));  // up to and with the head
  ASSERT_TRUE((*filler)->Add({journal.data(), 2}).ok());
  ASSERT_TRUE((*filler)->Add({journal.data() + 2, journal.size() - 2}).ok());
  ASSERT_TRUE((*filler)->Finish().ok());
  auto restored = Store::Open({"sqlite:" + path, "population"});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto verified = (*restored)->VerifyJournal(/*replay=*/true);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->status.ok()) << verified->status.ToString();
  EXPECT_EQ(verified->entries, head->seq);
  EXPECT_EQ((*restored)->Digest()->digest, digest->digest);
}

TEST_F(SqliteSnapshotTest, TheFillerTakesOnlyEntriesThatLinkToItsHead) {
  const std::string path = dir_ / "snap.db";
  ASSERT_TRUE(WriteSqliteSnapshot(dir_ / "live.db", path).ok());
  std::vector<JournalEntry> journal = Journal();
  {
    auto filler = SnapshotJournalFiller::Open(path);
    ASSERT_TRUE(filler.ok());
    Status skipped = (*filler)->Add({journal.data() + 1, 1});
    EXPECT_EQ(skipped.code(), Code::kDataLoss);
    EXPECT_NE(skipped.message().find("out of order"), std::string::npos) << skipped.ToString();
  }
  {
    auto filler = SnapshotJournalFiller::Open(path);
    ASSERT_TRUE(filler.ok());
    std::vector<JournalEntry> forged = journal;
    forged[2].hash[0] ^= 1;  // the entry before the head is not the one the head links to
    Status st = (*filler)->Add({forged.data(), 4});
    EXPECT_EQ(st.code(), Code::kDataLoss) << st.ToString();
  }
  {
    auto filler = SnapshotJournalFiller::Open(path);
    ASSERT_TRUE(filler.ok());
    ASSERT_TRUE((*filler)->Add({journal.data(), 2}).ok());
    Status short_of_head = (*filler)->Finish();
    EXPECT_EQ(short_of_head.code(), Code::kDataLoss);
    EXPECT_NE(short_of_head.message().find("reached only seq 2"), std::string::npos) << short_of_head.ToString();
  }
  // A file whose journal is whole is not a snapshot to fill.
  EXPECT_EQ(SnapshotJournalFiller::Open(dir_ / "live.db").status().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace riik::store
