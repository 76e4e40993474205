// The message log: batching under concurrent appends (far fewer signatures than
// records), restart, a failed store write failing its whole batch and nothing else,
// a TSA outage that never blocks Append and is caught up afterwards, and VerifyLog
// naming tampered rows. Also the record encoding and the Merkle frontier.
#include "exchange/message_log.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/metrics.h"
#include "exchange/message_record.h"
#include "exchange/tree_head.h"
#include "ledger/merkle_frontier.h"
#include "log_fixture.h"
#include "support/pg_cluster.h"

namespace riik::exchange {
namespace {

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

TEST(MessageRecordTest, LeafIsCanonicalJsonAndReadsBack) {
  MessageRecord r = SampleRecord("id-1", Direction::kResponse, 7);
  auto leaf = LeafData(r);
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_TRUE(leaf->starts_with("{\"body_sha256\":\"")) << *leaf;
  EXPECT_NE(leaf->find("\"direction\":\"response\""), std::string::npos);
  auto back = RecordFromJson(Json::parse(*leaf));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);

  Json upper = Json::parse(*leaf);
  std::string hex = upper["body_sha256"];
  for (char& c : hex) c = static_cast<char>(std::toupper(c));
  upper["body_sha256"] = hex;
  EXPECT_FALSE(RecordFromJson(upper).ok());
  Json extra = Json::parse(*leaf);
  extra["body"] = "the body itself";
  EXPECT_NE(RecordFromJson(extra).status().message().find("unexpected field 'body'"), std::string::npos);

  MessageRecord bad = r;
  bad.xroad_id.clear();
  EXPECT_NE(ValidateRecord(bad).message().find("xroad_id"), std::string::npos);
  bad = r;
  bad.status = 0;
  EXPECT_FALSE(ValidateRecord(bad).ok());
  bad = r;
  bad.path = "/a\nb";
  EXPECT_FALSE(ValidateRecord(bad).ok());
}

TEST(MessageRecordTest, HeaderDigestIgnoresOrderCaseAndOtherHeaders) {
  std::vector<std::pair<std::string, std::string>> a = {
      {"X-Road-Client", "EE/GOV/70000310/tax"}, {"Content-Type", "application/json"}, {"X-Road-Id", "abc"}};
  std::vector<std::pair<std::string, std::string>> b = {{"x-road-id", "abc"}, {"X-ROAD-CLIENT", "EE/GOV/70000310/tax"}};
  EXPECT_EQ(XRoadHeadersSha256(a), XRoadHeadersSha256(b));
  b[0].second = "abd";
  EXPECT_NE(XRoadHeadersSha256(a), XRoadHeadersSha256(b));
}

TEST_F(LogTest, ConcurrentAppendsAreBatchedAndSurviveARestart) {
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
        log_->Append(SampleRecord("id-" + std::to_string(n), Direction::kRequest, n), [&](Result<Receipt> r) {
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
  std::cout << kTotal << " records sealed under " << heads.size() << " signed tree heads\n";
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
  auto next = AppendAndWait(SampleRecord("after-restart"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->leaf_index, kTotal);
  EXPECT_TRUE(log_->VerifyLog().ok());
}

TEST_F(LogTest, AFailedStoreWriteFailsTheWholeBatchAndLogsNothing) {
  OpenLog();
  ASSERT_TRUE(AppendAndWait(SampleRecord("before")).ok());
  auto before = log_->latest_head();
  // The engine refuses one record of the next batch (as a full disk would refuse all).
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "CREATE TRIGGER poison BEFORE INSERT ON message_log_records WHEN NEW.xroad_id = "
                                     "'poison' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
                  .ok());
  log_.reset();
  MessageLogOptions o = Options();
  o.max_batch = 4;
  o.max_delay = std::chrono::seconds(5);  // the batch closes only when full
  auto log = OpenLog(std::move(o));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log_ = std::move(*log);
  std::vector<std::future<Result<Receipt>>> results;
  std::vector<std::promise<Result<Receipt>>> promises(4);
  for (int i = 0; i < 4; ++i) {
    results.push_back(promises[i].get_future());
    log_->Append(SampleRecord(i == 2 ? "poison" : "fine-" + std::to_string(i)),
                 [&promises, i](Result<Receipt> r) { promises[i].set_value(std::move(r)); });
  }
  for (auto& f : results) {
    Result<Receipt> r = f.get();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("disk full"), std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(*log_->latest_head(), *before);
  auto count = store_->Query("SELECT COUNT(*) AS n FROM message_log_records");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(std::get<int64_t>((*count)[0]["n"]), 1);

  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DROP TRIGGER poison").ok());
  std::vector<std::promise<Result<Receipt>>> more(4);
  for (int i = 0; i < 4; ++i) {
    log_->Append(SampleRecord("again-" + std::to_string(i)),
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

TEST_F(LogTest, ATsaOutageDoesNotBlockAppendAndIsCaughtUp) {
  tsa_down_ = true;
  OpenLog();
  auto first = AppendAndWait(SampleRecord("during-outage", Direction::kRequest, 1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AppendAndWait(SampleRecord("more-" + std::to_string(i))).ok());
  EXPECT_EQ(log_->pending_timestamps(), 5);
  ASSERT_TRUE(log_->oldest_pending_timestamp());
  std::string metrics = Metrics().Render();
  EXPECT_NE(metrics.find("riik_message_log_pending_timestamps{log=\"EE/GOV/70000310/tax\"} 5"), std::string::npos)
      << metrics;
  auto refused = log_->Evidence("during-outage");
  EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("not timestamped yet"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GT(timestamp_calls_.load(), 1);  // it keeps retrying

  tsa_down_ = false;
  ASSERT_TRUE(WaitForTimestamps());
  EXPECT_FALSE(log_->oldest_pending_timestamp());
  auto evidence = log_->Evidence("during-outage");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  // One token on a later head covers the first record, through a consistency proof.
  const Json& entry = (*evidence)["entries"][0];
  EXPECT_EQ(entry["head"]["tree_size"], 1);
  EXPECT_EQ(entry["timestamp"]["head"]["tree_size"], 5);
  EXPECT_FALSE(entry["timestamp"]["consistency_proof"].empty());
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // Untimestamped heads are remembered across a restart.
  tsa_down_ = true;
  ASSERT_TRUE(AppendAndWait(SampleRecord("late")).ok());
  log_.reset();
  OpenLog();
  EXPECT_EQ(log_->pending_timestamps(), 1);
  tsa_down_ = false;
  EXPECT_TRUE(WaitForTimestamps());
}

TEST_F(LogTest, TimestampsAtMostOncePerIntervalAndTheLastTokenCoversEveryHead) {
  MessageLogOptions o = Options();
  o.timestamp_interval = std::chrono::milliseconds(400);
  auto log = OpenLog(std::move(o));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log_ = std::move(*log);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendAndWait(SampleRecord("burst-" + std::to_string(i))).ok());
  ASSERT_TRUE(WaitForTimestamps());
  auto elapsed = std::chrono::steady_clock::now() - started;
  // 20 heads (each record its own batch here), but one token per 400 ms at most: the
  // first head at once, then the newest head once the interval has passed.
  int allowed = 1 + static_cast<int>(elapsed / std::chrono::milliseconds(400)) + 1;
  EXPECT_LE(timestamp_calls_.load(), allowed);
  EXPECT_LT(timestamp_calls_.load(), 20);
  auto evidence = log_->Evidence("burst-3");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  EXPECT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
}

TEST_F(LogTest, VerifyLogNamesATamperedRecordAndHead) {
  OpenLog();
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(AppendAndWait(SampleRecord("id-" + std::to_string(i), Direction::kRequest, i)).ok());
  ASSERT_TRUE(WaitForTimestamps());
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();

  // An operator with database access edits record 7 (each record is its own batch here).
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE message_log_records SET leaf = replace(leaf, '\"GET\"', "
                                     "'\"PUT\"') WHERE leaf_index = 7")
                  .ok());
  Status tampered = log_->VerifyLog();
  EXPECT_EQ(tampered.code(), Code::kDataLoss);
  EXPECT_NE(tampered.message().find("record 7 was changed"), std::string::npos) << tampered.ToString();
  log_.reset();
  EXPECT_EQ(OpenLog(Options()).status().code(), Code::kDataLoss);
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE message_log_records SET leaf = replace(leaf, '\"PUT\"', "
                                     "'\"GET\"') WHERE leaf_index = 7")
                  .ok());
  OpenLog();
  ASSERT_TRUE(log_->VerifyLog().ok());

  // A record that is not a record any more.
  ASSERT_TRUE(
      riik::testing::ExecRaw(store_url_, "UPDATE message_log_records SET leaf = '{}' WHERE leaf_index = 3").ok());
  EXPECT_NE(log_->VerifyLog().message().find("record 3 is not a valid record"), std::string::npos)
      << log_->VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE message_log_records SET leaf = (SELECT leaf FROM "
                                     "message_log_records WHERE leaf_index = 4) WHERE leaf_index = 3")
                  .ok());
  EXPECT_NE(log_->VerifyLog().message().find("record 3 is stored under another X-Road-Id"), std::string::npos)
      << log_->VerifyLog().ToString();
}

TEST_F(LogTest, VerifyLogNamesABadSignature) {
  OpenLog();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AppendAndWait(SampleRecord("id-" + std::to_string(i))).ok());
  // Another head's signature on head 2: a valid signature, but not over this head.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE message_log_heads SET signature = (SELECT signature FROM "
                                     "message_log_heads WHERE tree_size = 3) WHERE tree_size = 2")
                  .ok());
  Status bad = log_->VerifyLog();
  EXPECT_EQ(bad.code(), Code::kDataLoss);
  EXPECT_NE(bad.message().find("tree head of size 2"), std::string::npos) << bad.ToString();
  EXPECT_NE(bad.message().find("does not verify"), std::string::npos) << bad.ToString();
}

TEST_F(LogTest, VerifyLogNamesABadTimestamp) {
  tsa_down_ = true;
  OpenLog();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AppendAndWait(SampleRecord("id-" + std::to_string(i))).ok());
  tsa_down_ = false;
  ASSERT_TRUE(WaitForTimestamps());  // one token, on head 4
  ASSERT_TRUE(AppendAndWait(SampleRecord("id-4")).ok());
  ASSERT_TRUE(WaitForTimestamps());  // and one on head 5
  ASSERT_TRUE(log_->VerifyLog().ok()) << log_->VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_,
                                     "UPDATE message_log_timestamps SET token = (SELECT token FROM "
                                     "message_log_timestamps WHERE tree_size = 5) WHERE tree_size = 4")
                  .ok());
  Status bad = log_->VerifyLog();
  EXPECT_EQ(bad.code(), Code::kDataLoss);
  EXPECT_NE(bad.message().find("timestamp of tree head of size 4"), std::string::npos) << bad.ToString();
  EXPECT_NE(bad.message().find("another tree head"), std::string::npos) << bad.ToString();
}

TEST_F(LogTest, OpenRefusesAKeyThatIsNotTheCertificates) {
  MessageLogOptions o = Options();
  auto other = GenerateEcKey("P-256");
  ASSERT_TRUE(other.ok());
  o.signing_key = std::move(*other);
  EXPECT_EQ(OpenLog(std::move(o)).status().code(), Code::kInvalidArgument);
  MessageLogOptions p384 = Options();
  auto big = GenerateEcKey("P-384");
  ASSERT_TRUE(big.ok());
  p384.signing_key = std::move(*big);
  EXPECT_EQ(OpenLog(std::move(p384)).status().code(), Code::kInvalidArgument);
}

TEST_F(LogTest, InvalidRecordsAreRefusedAtOnce) {
  OpenLog();
  MessageRecord r = SampleRecord("x");
  r.client.clear();
  auto result = AppendAndWait(r);
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(log_->size(), 0);
}

}  // namespace
}  // namespace riik::exchange
