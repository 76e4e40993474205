// The signed log: batching under concurrent appends (far fewer signatures than leaves),
// restart, a failed store write failing its whole batch and nothing else, a TSA outage
// that never blocks Append and is caught up afterwards, more logs than sealing threads,
// a log closed with leaves queued, and VerifyLog naming tampered rows. Also the Merkle
// frontier.
#include "transparency/signed_log.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/metrics.h"
#include "ledger/merkle_frontier.h"
#include "log_fixture.h"
#include "support/pg_cluster.h"
#include "transparency/stored_log.h"

namespace riik::transparency {
namespace {

class SignedLogTest : public LogFixture {
 protected:
  void TearDown() override {
    log_.reset();
    LogFixture::TearDown();
  }
  Result<std::unique_ptr<SignedLog>> OpenLog(SignedLogOptions options) {
    return SignedLog::Open(*store_, std::move(options));
  }
  void OpenLog() { OpenLogWith(Options()); }
  void OpenLogWith(SignedLogOptions options) {
    auto log = OpenLog(std::move(options));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }
  Result<Receipt> AppendAndWait(const std::string& key, const std::string& leaf) {
    std::promise<Result<Receipt>> done;
    auto future = done.get_future();
    log_->Append(key, leaf, [&done](Result<Receipt> receipt) { done.set_value(std::move(receipt)); });
    return future.get();
  }
  bool WaitForTimestamps() { return LogFixture::WaitForTimestamps(*log_); }
  std::unique_ptr<SignedLog> log_;
};

TEST(MerkleFrontierTest, RootMatchesTheFullTree) {
  ledger::MerkleFrontier frontier;
  ledger::MerkleTree tree;
  EXPECT_EQ(frontier.Root(), tree.Root());
  for (int i = 0; i < 300; ++i) {
    ledger::Hash leaf = ledger::LeafHash("leaf " + std::to_string(i));
    frontier.Append(leaf);
    tree.Append(leaf);
    ASSERT_EQ(frontier.Root(), tree.Root()) << "size " << i + 1;
  }
}

TEST_F(SignedLogTest, ConcurrentAppendsAreBatchedAndSurviveARestart) {
  OpenLog();
  constexpr int kThreads = 8, kPerThread = 200, kTotal = kThreads * kPerThread;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Result<Receipt>> receipts;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        log_->Append("id-" + std::to_string(n), TestLeaf("id-" + std::to_string(n), n), [&](Result<Receipt> r) {
          std::lock_guard lock(mu);
          receipts.push_back(std::move(r));
          cv.notify_all();
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return receipts.size() == kTotal; }));
  }
  std::set<int64_t> indexes;
  std::map<int64_t, ledger::Hash> heads;  // tree size -> root
  for (const auto& r : receipts) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_LT(r->leaf_index, r->tree_size);
    indexes.insert(r->leaf_index);
    auto [it, inserted] = heads.emplace(r->tree_size, r->root);
    EXPECT_EQ(it->second, r->root);  // one root per head
  }
  EXPECT_EQ(indexes.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(*indexes.rbegin(), kTotal - 1);
  std::cout << kTotal << " leaves sealed under " << heads.size() << " signed tree heads\n";
  EXPECT_LT(heads.size(), static_cast<size_t>(kTotal / 4));
  EXPECT_EQ(log_->size(), kTotal);
  auto latest = log_->latest_head();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->tree_size, kTotal);
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  log_.reset();
  OpenLog();
  auto reopened = log_->latest_head();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(*reopened, *latest);
  auto next = AppendAndWait("after-restart", TestLeaf("after-restart", 0));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->leaf_index, kTotal);
  EXPECT_TRUE(log_->VerifyLog().ok());
}

TEST_F(SignedLogTest, AFailedStoreWriteFailsTheWholeBatchAndLogsNothing) {
  OpenLog();
  ASSERT_TRUE(AppendAndWait("before", TestLeaf("before", 0)).ok());
  auto before = log_->latest_head();
  // The engine refuses one leaf of the next batch (as a full disk would refuse all).
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "CREATE TRIGGER poison BEFORE INSERT ON signed_log_keys WHEN NEW.leaf_key = "
                                     "'poison' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
                  .ok());
  log_.reset();
  SignedLogOptions o = Options();
  o.max_batch = 4;
  o.max_delay = std::chrono::seconds(5);  // the batch closes only when full
  auto log = OpenLog(std::move(o));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log_ = std::move(*log);
  std::vector<std::future<Result<Receipt>>> results;
  std::vector<std::promise<Result<Receipt>>> promises(4);
  for (int i = 0; i < 4; ++i) {
    results.push_back(promises[i].get_future());
    log_->Append(i == 2 ? "poison" : "fine-" + std::to_string(i),
                 TestLeaf(i == 2 ? "poison" : "fine-" + std::to_string(i), 0),
                 [&promises, i](Result<Receipt> r) { promises[i].set_value(std::move(r)); });
  }
  for (auto& f : results) {
    Result<Receipt> r = f.get();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("disk full"), std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(*log_->latest_head(), *before);
  auto count = store_->Query("SELECT COUNT(*) AS n FROM signed_log_keys");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(std::get<int64_t>((*count)[0]["n"]), 1);

  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DROP TRIGGER poison").ok());
  std::vector<std::promise<Result<Receipt>>> more(4);
  for (int i = 0; i < 4; ++i) {
    log_->Append("again-" + std::to_string(i), TestLeaf("again-" + std::to_string(i), 0),
                 [&more, i](Result<Receipt> r) { more[i].set_value(std::move(r)); });
  }
  for (int i = 0; i < 4; ++i) {
    Result<Receipt> r = more[i].get_future().get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->leaf_index, 1 + i);  // the failed batch left no gap
    EXPECT_EQ(r->tree_size, 5);
  }
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

// With a head interval a batch is stored without a head while the last is younger than
// the interval; its leaves are answered durable, refused as evidence, reported (not
// refused) by verification, and signed when the log closes.
TEST_F(SignedLogTest, AHeadIntervalDefersTheHeadAndAClosingLogSignsTheRest) {
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::minutes(1);
  OpenLogWith(std::move(o));
  Result<Receipt> first = AppendAndWait("a-0", TestLeaf("a-0", 0));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->tree_size, 1);  // no head yet: the first batch carries one
  for (int i = 1; i < 6; ++i) {
    Result<Receipt> r = AppendAndWait("a-" + std::to_string(i), TestLeaf("a-" + std::to_string(i), i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->leaf_index, i);
    EXPECT_EQ(r->tree_size, 0) << "leaf " << i << " is durable, its head still to come";
    EXPECT_TRUE(r->signature.empty());
  }
  EXPECT_EQ(log_->size(), 1);
  EXPECT_EQ(log_->awaiting_head(), 5);
  auto pending = log_->EntriesFor("a-3");
  EXPECT_EQ(pending.status().code(), Code::kUnavailable);
  EXPECT_NE(pending.status().message().find("leaf 3 is stored but not yet under a signed tree head"), std::string::npos)
      << pending.status().ToString();
  Result<VerifiedLog> found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), CheckTestLeaf);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->leaves, 6);
  EXPECT_EQ(found->signed_leaves, 1);
  EXPECT_EQ(found->heads, 1);
  EXPECT_NE(VerifiedSummary(*found).find("5 leaves after the last head"), std::string::npos) << VerifiedSummary(*found);

  log_.reset();  // closing signs them
  OpenLog();
  EXPECT_EQ(log_->size(), 6);
  found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), CheckTestLeaf);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->signed_leaves, 6);
  EXPECT_EQ(found->heads, 2);
  ASSERT_TRUE(WaitForTimestamps());
  auto entries = log_->EntriesFor("a-3");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(entries->size(), 1u);
}

// Leaves stored after the last head with no batch coming after them are signed alone,
// within the interval.
TEST_F(SignedLogTest, AHeadIntervalSignsTheLastLeavesAloneWithinIt) {
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::milliseconds(200);
  OpenLogWith(std::move(o));
  int deferred = 0;
  for (int i = 0; i < 8; ++i) {
    Result<Receipt> r = AppendAndWait("b-" + std::to_string(i), TestLeaf("b-" + std::to_string(i), i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->tree_size == 0) ++deferred;
  }
  EXPECT_GT(deferred, 0) << "eight appends in a row took longer than the interval each";
  for (int i = 0; i < 500 && log_->size() < 8; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log_->size(), 8);
  Result<VerifiedLog> found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), CheckTestLeaf);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->signed_leaves, 8);
  EXPECT_LT(found->heads, 8);
}

// A log with a head interval that closed before it signed its last leaves (a crash;
// here its last heads and their tokens deleted) opens and signs them, also when opened
// without the interval now (signs_leaves_later: the exchange's, switched to a head per
// batch); they are checked first, and the leaves under the remaining head must still
// match it.
TEST_F(SignedLogTest, AnOpeningLogSignsLeavesStoredAfterItsLastHead) {
  auto interval = [this] {
    SignedLogOptions o = Options();
    o.head_interval = std::chrono::minutes(1);
    return o;
  };
  OpenLog();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(AppendAndWait("c-" + std::to_string(i), TestLeaf("c-" + std::to_string(i), i)).ok());
  log_.reset();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads WHERE tree_size > 1").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_timestamps WHERE tree_size > 1").ok());
  Result<VerifiedLog> found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), CheckTestLeaf);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->leaves, 3);
  EXPECT_EQ(found->signed_leaves, 1);
  EXPECT_NE(RequireEverySigned(*found).message().find("leaf 1 is not covered by any signed tree head"),
            std::string::npos);

  SignedLogOptions switched = Options();
  switched.signs_leaves_later = true;
  OpenLogWith(std::move(switched));
  for (int i = 0; i < 500 && log_->size() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log_->size(), 3);
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
  Result<Receipt> next = AppendAndWait("c-3", TestLeaf("c-3", 3));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->leaf_index, 3);

  // A signed leaf changed is still refused on open, with leaves after the head or not.
  log_.reset();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads WHERE tree_size > 1").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_timestamps WHERE tree_size > 1").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(0, TestLeaf("c-0", 0), TestLeaf("c-0", 9))).ok());
  EXPECT_EQ(OpenLog(interval()).status().code(), Code::kDataLoss);
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(0, TestLeaf("c-0", 9), TestLeaf("c-0", 0))).ok());
  // So is a leaf after the head that its user's check refuses.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(2, TestLeaf("c-2", 2), "{}")).ok());
  auto invalid = OpenLog(interval());
  EXPECT_EQ(invalid.status().code(), Code::kDataLoss);
  EXPECT_NE(invalid.status().message().find("leaf 2, stored after the last signed tree head, is not a valid leaf"),
            std::string::npos)
      << invalid.status().ToString();
}

// Deleted heads are not signed again: a log that signs a head with every batch never
// leaves leaves after its last head, and a timestamp names the head it covered.
TEST_F(SignedLogTest, AnOpeningLogRefusesToSignAgainWhereHeadsWereDeleted) {
  OpenLog();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(AppendAndWait("d-" + std::to_string(i), TestLeaf("d-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  log_.reset();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads WHERE tree_size > 1").ok());
  // Without a head interval, on open …
  auto per_batch = OpenLog(Options());
  EXPECT_EQ(per_batch.status().code(), Code::kDataLoss);
  EXPECT_NE(per_batch.status().message().find("leaf 1 is stored after the last signed tree head, in a log that signs"),
            std::string::npos)
      << per_batch.status().ToString();
  // With one, the token of the last head (size 3) names a head that is gone.
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::minutes(1);
  auto refused = OpenLog(std::move(o));
  EXPECT_EQ(refused.status().code(), Code::kDataLoss);
  EXPECT_NE(refused.status().message().find("a timestamp covers the tree head of size 3"), std::string::npos)
      << refused.status().ToString();

  // … and in the verification of an open log.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_timestamps").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_batches").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_keys").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads").ok());
  OpenLog();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(AppendAndWait("f-" + std::to_string(i), TestLeaf("f-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads WHERE tree_size > 1").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_timestamps WHERE tree_size > 1").ok());
  Status verified = log_->VerifyLog();
  EXPECT_EQ(verified.code(), Code::kDataLoss);
  EXPECT_NE(verified.message().find("leaf 1 is not covered by any signed tree head"), std::string::npos)
      << verified.ToString();
}

// A reader of the store (riik exchange evidence) says a record waits for its log's first
// head, rather than that there is no log; here the heads lost as in a crash before it.
TEST_F(SignedLogTest, AReaderOfTheStoreSaysWhenTheFirstHeadIsStillToCome) {
  OpenLog();
  ASSERT_TRUE(AppendAndWait("g-0", TestLeaf("g-0", 0)).ok());
  log_.reset();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_timestamps").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_heads").ok());
  auto waiting = EntriesFromStore(*store_, Options().log_id, "g-0");
  EXPECT_EQ(waiting.status().code(), Code::kUnavailable) << waiting.status().ToString();
  EXPECT_NE(waiting.status().message().find("leaf 0 is stored but not yet under a signed tree head"), std::string::npos)
      << waiting.status().ToString();
  EXPECT_EQ(EntriesFromStore(*store_, Options().log_id, "nobody").status().code(), Code::kNotFound);
}

// A head that cannot be stored is tried again after the interval, not in a loop, while
// the leaves before it stay answered and durable; once the store takes it, it is signed.
TEST_F(SignedLogTest, AHeadThatFailsIsTriedAgainAfterTheInterval) {
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::seconds(1);
  OpenLogWith(std::move(o));
  Counter& failed = Metrics().GetCounter("riik_signed_log_failed_heads_total", "", {{"log", Options().log_id}});
  const uint64_t failed_before = failed.value();
  ASSERT_TRUE(AppendAndWait("e-0", TestLeaf("e-0", 0)).ok());  // with the first head
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "CREATE TRIGGER no_heads BEFORE INSERT ON signed_log_heads "
                                     "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
                  .ok());
  for (int i = 1; i < 4; ++i) {  // well within the interval: stored without a head
    Result<Receipt> r = AppendAndWait("e-" + std::to_string(i), TestLeaf("e-" + std::to_string(i), i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->tree_size, 0);
  }
  for (int i = 0; i < 500 && failed.value() < failed_before + 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(failed.value(), failed_before + 2);
  const uint64_t failing = failed.value();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_LE(failed.value(), failing + 1) << "tried again more often than every second";
  EXPECT_EQ(log_->size(), 1);
  EXPECT_EQ(log_->awaiting_head(), 3);

  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DROP TRIGGER no_heads").ok());
  for (int i = 0; i < 500 && log_->size() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log_->size(), 4);
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

// A batch that fails to be stored leaves nothing to sign: with no earlier leaves waiting,
// no head is counted as failed, and the next batch carries its head at once instead of
// waiting out the interval.
TEST_F(SignedLogTest, AFailedBatchWithNothingElseWaitingIsNoFailedHead) {
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::minutes(1);
  OpenLogWith(std::move(o));
  Counter& failed = Metrics().GetCounter("riik_signed_log_failed_heads_total", "", {{"log", Options().log_id}});
  const uint64_t failed_before = failed.value();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "CREATE TRIGGER poison BEFORE INSERT ON signed_log_keys "
                                     "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
                  .ok());
  EXPECT_FALSE(AppendAndWait("f-0", TestLeaf("f-0", 0)).ok());
  EXPECT_EQ(failed.value(), failed_before);
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DROP TRIGGER poison").ok());
  Result<Receipt> r = AppendAndWait("f-0", TestLeaf("f-0", 0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tree_size, 1) << "the first head waited for the interval after a batch that stored nothing";
  EXPECT_EQ(log_->awaiting_head(), 0);
}

// With a head interval, a head that cannot be stored never fails the leaves that came
// with it: they are stored without it, and the head is counted failed and tried again.
TEST_F(SignedLogTest, AHeadThatCannotBeStoredDoesNotFailItsBatch) {
  SignedLogOptions o = Options();
  o.head_interval = std::chrono::milliseconds(100);
  OpenLogWith(std::move(o));
  Counter& failed = Metrics().GetCounter("riik_signed_log_failed_heads_total", "", {{"log", Options().log_id}});
  ASSERT_TRUE(AppendAndWait("g-0", TestLeaf("g-0", 0)).ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "CREATE TRIGGER no_heads BEFORE INSERT ON signed_log_heads "
                                     "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // the next batch carries a head
  const uint64_t failed_before = failed.value();
  Result<Receipt> r = AppendAndWait("g-1", TestLeaf("g-1", 1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tree_size, 0);
  EXPECT_GT(failed.value(), failed_before);
  EXPECT_EQ(log_->awaiting_head(), 1);
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DROP TRIGGER no_heads").ok());
  for (int i = 0; i < 500 && log_->size() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log_->size(), 2);
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

TEST_F(SignedLogTest, ATsaOutageDoesNotBlockAppendAndIsCaughtUp) {
  tsa_down_ = true;
  OpenLog();
  auto first = AppendAndWait("during-outage", TestLeaf("during-outage", 1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(AppendAndWait("more-" + std::to_string(i), TestLeaf("more-" + std::to_string(i), 0)).ok());
  EXPECT_EQ(log_->pending_timestamps(), 5);
  ASSERT_TRUE(log_->oldest_pending_timestamp());
  std::string metrics = Metrics().Render();
  EXPECT_NE(metrics.find("riik_signed_log_pending_timestamps{log=\"EE/GOV/70000310/tax\"} 5"), std::string::npos)
      << metrics;
  auto refused = log_->EntriesFor("during-outage");
  EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("not timestamped yet"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GT(timestamp_calls_.load(), 1);  // it keeps retrying

  tsa_down_ = false;
  ASSERT_TRUE(WaitForTimestamps());
  EXPECT_FALSE(log_->oldest_pending_timestamp());
  auto evidence = log_->EntriesFor("during-outage");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  // One token on a later head covers the first leaf, through a consistency proof.
  const Json& entry = (*evidence)[0];
  EXPECT_EQ(entry["head"]["tree_size"], 1);
  EXPECT_EQ(entry["timestamp"]["head"]["tree_size"], 5);
  EXPECT_FALSE(entry["timestamp"]["consistency_proof"].empty());
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // Untimestamped heads are remembered across a restart.
  tsa_down_ = true;
  ASSERT_TRUE(AppendAndWait("late", TestLeaf("late", 0)).ok());
  log_.reset();
  OpenLog();
  EXPECT_EQ(log_->pending_timestamps(), 1);
  tsa_down_ = false;
  EXPECT_TRUE(WaitForTimestamps());
}

TEST_F(SignedLogTest, TimestampsAtMostOncePerIntervalAndTheLastTokenCoversEveryHead) {
  SignedLogOptions o = Options();
  o.timestamp_interval = std::chrono::milliseconds(400);
  auto log = OpenLog(std::move(o));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log_ = std::move(*log);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(AppendAndWait("burst-" + std::to_string(i), TestLeaf("burst-" + std::to_string(i), 0)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  auto elapsed = std::chrono::steady_clock::now() - started;
  // 20 heads (each leaf its own batch here), but one token per 400 ms at most: the
  // first head at once, then the newest head once the interval has passed.
  int allowed = 1 + static_cast<int>(elapsed / std::chrono::milliseconds(400)) + 1;
  EXPECT_LE(timestamp_calls_.load(), allowed);
  EXPECT_LT(timestamp_calls_.load(), 20);
  auto evidence = log_->EntriesFor("burst-3");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

TEST_F(SignedLogTest, VerifyLogNamesATamperedLeafAndHead) {
  OpenLog();
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // An operator with database access edits leaf 7 (each leaf is its own batch here).
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(7, TestLeaf("id-7", 7), TestLeaf("id-7", 8))).ok());
  Status tampered = log_->VerifyLog();
  EXPECT_EQ(tampered.code(), Code::kDataLoss);
  EXPECT_NE(tampered.message().find("leaf 7 was changed"), std::string::npos) << tampered.ToString();
  log_.reset();
  EXPECT_EQ(OpenLog(Options()).status().code(), Code::kDataLoss);
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(7, TestLeaf("id-7", 8), TestLeaf("id-7", 7))).ok());
  OpenLog();
  ASSERT_TRUE(log_->VerifyLog().ok());

  // A leaf its user does not recognise.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(3, TestLeaf("id-3", 3), "{}")).ok());
  EXPECT_NE(log_->VerifyLog().message().find("leaf 3 is not a test leaf"), std::string::npos)
      << log_->VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, ReplaceLeafSql(3, "{}", TestLeaf("id-4", 4))).ok());
  EXPECT_NE(log_->VerifyLog().message().find("leaf 3 is stored under another key"), std::string::npos)
      << log_->VerifyLog().ToString();
}

// Verification reads while the owner goes on appending (`riik tracker log verify` on a
// serving node): it checks the log as it stood when it began, and does not mistake a
// batch committed meanwhile (leaves, key index rows and a head) for leaves without a head
// or a key index naming leaves that are not stored. Rows that name leaves not stored even
// after the check are still refused.
TEST_F(SignedLogTest, VerifyLogChecksTheLogAsItStoodWhileItsOwnerAppends) {
  OpenLog();
  // One batch per leaf, and more batches than verification reads at once: its second
  // read of them comes after the appends below.
  constexpr int kLeaves = 40;
  for (int i = 0; i < kLeaves; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  int appended = 0;
  LeafCheck append_while_checking = [&](const std::string& key, const std::string& leaf) -> Status {
    for (; appended < 3; ++appended) {  // the first call, before any head has been checked
      const std::string k = "late-" + std::to_string(appended);
      RETURN_IF_ERROR(AppendAndWait(k, TestLeaf(k, 10 + appended)).status());
    }
    return CheckTestLeaf(key, leaf);
  };
  Result<VerifiedLog> found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), append_while_checking);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(appended, 3);
  EXPECT_EQ(found->leaves, kLeaves);
  EXPECT_EQ(found->signed_leaves, kLeaves);
  EXPECT_EQ(found->heads, kLeaves);
  EXPECT_TRUE(RequireEverySigned(*found).ok());
  found = VerifyLog(*store_, Options().log_id, ca_->root_certificate(), CheckTestLeaf);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->signed_leaves, kLeaves + 3);

  // A key index row naming a leaf past the last one, and a head past the leaves (the last
  // batch deleted), are named though they lie beyond what is checked.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "INSERT INTO signed_log_keys (log_id, leaf_key, leaf_index) "
                                     "VALUES ('EE/GOV/70000310/tax', 'id-99', 99)")
                  .ok());
  Status forged = log_->VerifyLog();
  EXPECT_EQ(forged.code(), Code::kDataLoss);
  EXPECT_NE(forged.message().find("the key index names leaf 99, which is not stored (43 leaves stored)"),
            std::string::npos)
      << forged.ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_keys WHERE leaf_index >= 42").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_batches WHERE first_index = 42").ok());
  Status truncated = log_->VerifyLog();
  EXPECT_EQ(truncated.code(), Code::kDataLoss);
  EXPECT_NE(truncated.message().find("tree head of size 43 covers leaves that are missing (42 leaves stored)"),
            std::string::npos)
      << truncated.ToString();
}

// The last batch row bounds what verification reads, so a forged one is named, not
// passed over.
TEST_F(SignedLogTest, VerifyLogNamesAForgedLastBatch) {
  OpenLog();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
  const std::pair<std::string, std::string> forgeries[] = {
      {"3, 0", "the stored batch of leaves from 3 holds no leaves"},
      {"9223372036854775000, 1000", "claims more leaves than a log can hold"},
      {"9223372036854775807, 1", "claims more leaves than a log can hold"},
  };
  for (const auto& [row, expected] : forgeries) {
    ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                       "INSERT INTO signed_log_batches (log_id, first_index, leaf_count, leaves) "
                                       "VALUES ('EE/GOV/70000310/tax', " +
                                           row + ", '')")
                    .ok());
    Status forged = log_->VerifyLog();
    EXPECT_EQ(forged.code(), Code::kDataLoss) << row;
    EXPECT_NE(forged.message().find(expected), std::string::npos) << forged.ToString();
    ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_batches WHERE first_index >= 3").ok());
  }
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

TEST_F(SignedLogTest, VerifyLogNamesAKeyIndexThatHidesOrMisplacesALeafAndADamagedBatch) {
  OpenLog();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // An operator deletes leaf 2's row of the key index, so that its key finds nothing.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_keys WHERE leaf_index = 2").ok());
  auto hidden = log_->EntriesFor("id-2");
  ASSERT_TRUE(hidden.ok()) << hidden.status().ToString();
  EXPECT_TRUE(hidden->empty());
  EXPECT_NE(log_->VerifyLog().message().find("leaf 2 is missing from the key index"), std::string::npos)
      << log_->VerifyLog().ToString();
  // … and files it under a key it is not stored under.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "INSERT INTO signed_log_keys (log_id, leaf_key, leaf_index) "
                                     "VALUES ('EE/GOV/70000310/tax', 'id-9', 2)")
                  .ok());
  auto misplaced = log_->EntriesFor("id-9");
  EXPECT_EQ(misplaced.status().code(), Code::kDataLoss);
  EXPECT_NE(misplaced.status().message().find("names leaf 2 under a key it is not stored under"), std::string::npos)
      << misplaced.status().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "INSERT INTO signed_log_keys (log_id, leaf_key, leaf_index) "
                                     "VALUES ('EE/GOV/70000310/tax', 'id-2', 2)")
                  .ok());
  EXPECT_NE(log_->VerifyLog().message().find("the key index holds 5 rows for 4 leaves"), std::string::npos)
      << log_->VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_keys WHERE leaf_key = 'id-9'").ok());
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // A batch whose text no longer parses is named, by verification and on open.
  ASSERT_TRUE(
      riik::testing::ExecRaw(store_url_, "UPDATE signed_log_batches SET leaves = '4:id-1,9:{}' WHERE first_index = 1")
          .ok());
  Status damaged = log_->VerifyLog();
  EXPECT_EQ(damaged.code(), Code::kDataLoss);
  EXPECT_NE(damaged.message().find("the stored batch of leaves from 1"), std::string::npos) << damaged.ToString();
  EXPECT_NE(damaged.message().find("cut short"), std::string::npos) << damaged.ToString();
  log_.reset();
  EXPECT_EQ(OpenLog(Options()).status().code(), Code::kDataLoss);
}

TEST_F(SignedLogTest, VerifyLogNamesABadSignature) {
  OpenLog();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), 0)).ok());
  // Another head's signature on head 2: a valid signature, but not over this head.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE signed_log_heads SET signature = (SELECT signature FROM "
                                     "signed_log_heads WHERE tree_size = 3) WHERE tree_size = 2")
                  .ok());
  Status bad = log_->VerifyLog();
  EXPECT_EQ(bad.code(), Code::kDataLoss);
  EXPECT_NE(bad.message().find("tree head of size 2"), std::string::npos) << bad.ToString();
  EXPECT_NE(bad.message().find("does not verify"), std::string::npos) << bad.ToString();
}

TEST_F(SignedLogTest, VerifyLogNamesABadTimestamp) {
  tsa_down_ = true;
  OpenLog();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), 0)).ok());
  tsa_down_ = false;
  ASSERT_TRUE(WaitForTimestamps());  // one token, on head 4
  ASSERT_TRUE(AppendAndWait("id-4", TestLeaf("id-4", 0)).ok());
  ASSERT_TRUE(WaitForTimestamps());  // and one on head 5
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE signed_log_timestamps SET token = (SELECT token FROM "
                                     "signed_log_timestamps WHERE tree_size = 5) WHERE tree_size = 4")
                  .ok());
  Status bad = log_->VerifyLog();
  EXPECT_EQ(bad.code(), Code::kDataLoss);
  EXPECT_NE(bad.message().find("timestamp of tree head of size 4"), std::string::npos) << bad.ToString();
  EXPECT_NE(bad.message().find("another tree head"), std::string::npos) << bad.ToString();
}

TEST_F(SignedLogTest, OpenRefusesAKeyThatIsNotTheCertificates) {
  SignedLogOptions o = Options();
  auto other = GenerateEcKey("P-256");
  ASSERT_TRUE(other.ok());
  o.signing_key = std::move(*other);
  EXPECT_EQ(OpenLog(std::move(o)).status().code(), Code::kInvalidArgument);
  SignedLogOptions p384 = Options();
  auto big = GenerateEcKey("P-384");
  ASSERT_TRUE(big.ok());
  p384.signing_key = std::move(*big);
  EXPECT_EQ(OpenLog(std::move(p384)).status().code(), Code::kInvalidArgument);
}

// Every log of a process is timestamped on one thread: a log whose TSA is down keeps
// retrying without holding up another's timestamps.
TEST_F(SignedLogTest, LogsShareTheTimestampingThreadAndOneTsaOutageStaysItsOwn) {
  OpenLog();
  SignedLogOptions other = Options();
  other.log_id = "another log";
  other.timestamp = [](std::string_view) -> Result<std::string> { return Unavailable("its TSA is down (test)"); };
  auto second = OpenLog(std::move(other));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::promise<Result<Receipt>> done;
  (*second)->Append("k", TestLeaf("k", 1), [&done](Result<Receipt> r) { done.set_value(std::move(r)); });
  ASSERT_TRUE(done.get_future().get().ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(AppendAndWait("id-" + std::to_string(i), TestLeaf("id-" + std::to_string(i), i)).ok());
  EXPECT_TRUE(WaitForTimestamps());
  EXPECT_EQ((*second)->pending_timestamps(), 1);
  second->reset();  // leaves the shared thread while its step may be retrying
  ASSERT_TRUE(AppendAndWait("after", TestLeaf("after", 9)).ok());
  EXPECT_TRUE(WaitForTimestamps());
}

// The logs of a process share kSealingThreads threads: more logs than that, some batching
// by time (max_delay) and some at once, all seal every leaf; a log closed with leaves
// still queued seals them before it goes.
TEST_F(SignedLogTest, MoreLogsThanSealingThreadsAllSealAndAClosingLogSealsWhatIsQueued) {
  constexpr int kLogs = static_cast<int>(kSealingThreads) + 3, kEach = 40;
  std::vector<std::unique_ptr<SignedLog>> logs;
  for (int l = 0; l < kLogs; ++l) {
    SignedLogOptions o = Options();
    o.log_id = "shared log " + std::to_string(l);
    o.timestamp = nullptr;
    o.max_delay = std::chrono::microseconds(l % 2 ? 3000 : 0);
    auto log = OpenLog(std::move(o));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    logs.push_back(std::move(*log));
  }
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0, failed = 0;
  auto done = [&](Result<Receipt> r) {
    std::lock_guard lock(mu);
    ++answered;
    if (!r.ok()) ++failed;
    cv.notify_all();
  };
  std::vector<std::thread> writers;
  for (int l = 0; l < kLogs; ++l) {
    writers.emplace_back([&, l] {
      for (int i = 0; i < kEach; ++i) {
        const std::string key = "k" + std::to_string(l) + "-" + std::to_string(i);
        logs[l]->Append(key, TestLeaf(key, i), done);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return answered == kLogs * kEach; }));
    EXPECT_EQ(failed, 0);
  }
  for (auto& log : logs) {
    EXPECT_EQ(log->size(), kEach) << log->log_id();
    EXPECT_TRUE(log->VerifyLog().ok()) << log->VerifyLog().ToString();
  }

  // Closed at once after its appends (a long batch delay: nothing is sealed yet).
  SignedLogOptions o = Options();
  o.log_id = "closing log";
  o.timestamp = nullptr;
  o.max_delay = std::chrono::seconds(30);
  auto closing = OpenLog(std::move(o));
  ASSERT_TRUE(closing.ok()) << closing.status().ToString();
  {
    std::lock_guard lock(mu);
    answered = failed = 0;
  }
  for (int i = 0; i < kEach; ++i) {
    const std::string key = "c" + std::to_string(i);
    (*closing)->Append(key, TestLeaf(key, i), done);
  }
  closing->reset();
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(answered, kEach) << "every callback runs before the log is gone";
    EXPECT_EQ(failed, 0);
  }
  SignedLogOptions again = Options();
  again.log_id = "closing log";
  again.timestamp = nullptr;
  auto reopened = OpenLog(std::move(again));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->size(), kEach);
}

TEST_F(SignedLogTest, OpenRefusesALogWithoutALeafCheck) {
  SignedLogOptions o = Options();
  o.leaf_check = nullptr;
  auto refused = OpenLog(std::move(o));
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("check of its leaves"), std::string::npos) << refused.status().ToString();
}

}  // namespace
}  // namespace riik::transparency
