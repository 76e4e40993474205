// Durability beneath SIGKILL: the SQLite store on a disk that fills up, fails writes or
// fsyncs, and a machine that goes down at every point of a run of commits, dropping what
// was not synced (support/fault_vfs.h). A commit that was acknowledged is always there
// afterwards, the journal always verifies (replayed), and a failure is an error the
// writer sees, never a silent loss.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "store/store.h"
#include "support/fault_vfs.h"
#include "support/temp_dir.h"

namespace riik::store {
namespace {

using riik::testing::FaultVfs;

const TableSchema kPeople = {"people", {{"k", ColumnType::kInt}, {"v", ColumnType::kText}}, {"k"}, {}};

Status Put(Store& s, int64_t k) {
  return s.Write([&](WriteTxn& t) {
            return t.Put("people", {{"k", k}, {"v", "Leida Lõhmus " + std::to_string(k)}});
          })
      .status();
}

// Reopened after the crash: the journal replays to the state, every acknowledged key is
// there; returns the head's seq.
int64_t ExpectWholeAfterCrash(const std::string& url, const std::set<int64_t>& acked) {
  auto store = Store::Open({url, "population"});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return -1;
  auto verified = (*store)->VerifyJournal(/*replay=*/true);
  EXPECT_TRUE(verified.ok() && verified->status.ok())
      << (verified.ok() ? verified->status.ToString() : verified.status().ToString());
  if (!acked.empty()) {
    for (int64_t k : acked) {
      auto row = (*store)->Get("people", {{"k", k}});
      EXPECT_TRUE(row.ok() && row->has_value()) << "acknowledged key " << k << " is gone";
    }
  }
  return (*store)->Head().seq;
}

TEST(DiskFaultTest, ACrashAtAnyPointKeepsEveryAcknowledgedCommit) {
  FaultVfs& vfs = FaultVfs::Install();
  constexpr int kCommits = 12;
  int runs = 0;
  for (int64_t crash_after = 0;; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after) + " calls");
    riik::testing::TempDir dir;
    const std::string url = "sqlite:" + dir / "people.db";
    std::set<int64_t> acked;
    bool completed = false;
    vfs.CrashAfter(crash_after);
    const int64_t before = vfs.mutations();
    {
      auto store = Store::Open({url, "population"});
      if (store.ok() && (*store)->EnsureTables({kPeople}).ok()) {
        for (int64_t k = 1; k <= kCommits; ++k) {
          if (!Put(**store, k).ok()) break;
          acked.insert(k);
        }
      }
      completed = static_cast<int>(acked.size()) == kCommits && vfs.mutations() - before <= crash_after;
    }
    vfs.Crash();
    int64_t head = ExpectWholeAfterCrash(url, acked);
    EXPECT_GE(head, static_cast<int64_t>(acked.size()));
    ++runs;
    if (completed || ::testing::Test::HasFailure()) break;
    ASSERT_LT(crash_after, 2000) << "the commits never complete";
  }
  EXPECT_GT(runs, 2 * kCommits);  // each commit's writes and syncs were crash points
}

TEST(DiskFaultTest, AFullDiskOrAFailingWriteOrFsyncIsTheWritersErrorAndLosesNothing) {
  FaultVfs& vfs = FaultVfs::Install();
  riik::testing::TempDir dir;
  const std::string url = "sqlite:" + dir / "people.db";
  std::set<int64_t> acked;
  {
    auto store = Store::Open({url, "population"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->EnsureTables({kPeople}).ok());
    int64_t k = 0;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(Put(**store, ++k).ok());
      acked.insert(k);
    }
    struct Fault {
      const char* name;
      std::function<void()> inject;
      const char* says;
    };
    for (const Fault& f : {Fault{"full disk", [&] { vfs.FailWrites(SQLITE_FULL); }, "full"},
                           Fault{"EIO on write", [&] { vfs.FailWrites(SQLITE_IOERR_WRITE); }, "I/O"},
                           Fault{"EIO on fsync", [&] { vfs.FailSyncs(true); }, "I/O"}}) {
      SCOPED_TRACE(f.name);
      f.inject();
      Status refused = Put(**store, ++k);
      EXPECT_FALSE(refused.ok());
      EXPECT_NE(refused.message().find(f.says), std::string::npos) << refused.ToString();
      vfs.Heal();
      // The store carries on once the disk does.
      Status next = Put(**store, ++k);
      EXPECT_TRUE(next.ok()) << next.ToString();
      if (next.ok()) acked.insert(k);
    }
  }
  vfs.Crash();  // nothing unsynced may matter
  ExpectWholeAfterCrash(url, acked);
}

}  // namespace
}  // namespace riik::store
