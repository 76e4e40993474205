// Logs written in the format before src/transparency (tests/transparency/legacy_logs,
// written by the code of that time) still verify after the change: opening a signed log
// migrates every log of the store; both logs then verify with their users' leaf checks,
// the evidence and entries exported from them are byte for byte those exported then,
// and the documents exported then verify with today's code. Until migrated, read-only
// readers refuse the store with a message saying what to do.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/evidence.h"
#include "exchange/log_fixture.h"
#include "exchange/message_log.h"
#include "log_fixture.h"
#include "tracker/access_record.h"
#include "tracker/listing.h"
#include "tracker/tracker.h"
#include "transparency/migration.h"
#include "transparency/stored_log.h"
#include "transparency/tables.h"
#include "transparency/verify.h"

namespace riik::transparency {
namespace {

constexpr const char* kMessageLog = "EE/GOV/70000310/tax";
constexpr const char* kTrackerLog = "tracker:EE/COM/10060701/bank";

class LegacyLogTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    store_.reset();
    std::filesystem::copy_file(std::string(RIIK_LEGACY_LOGS) + "/logs.db", dir_ / "exchange.db",
                               std::filesystem::copy_options::overwrite_existing);
    OpenStore();
    auto root = ParseCertificatePem(*ReadFile(std::string(RIIK_LEGACY_LOGS) + "/root.pem"));
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    legacy_root_ = std::move(*root);
  }

  static std::string Fixture(const std::string& name) {
    auto text = ReadFile(std::string(RIIK_LEGACY_LOGS) + "/" + name);
    EXPECT_TRUE(text.ok()) << name;
    return text.ok() ? *text : "";
  }

  void ExpectBothLogsVerify() {
    Status messages = VerifyLog(*store_, kMessageLog, legacy_root_.get(), exchange::CheckMessageLeaf);
    EXPECT_TRUE(messages.ok()) << messages.ToString();
    Status accesses = VerifyLog(*store_, kTrackerLog, legacy_root_.get(), tracker::CheckAccessLeaf);
    EXPECT_TRUE(accesses.ok()) << accesses.ToString();
  }

  UniquePtr<X509> legacy_root_;
};

TEST_F(LegacyLogTest, TheDocumentsExportedThenStillVerify) {
  Status evidence = exchange::VerifyEvidence(Fixture("evidence.json"), legacy_root_.get());
  EXPECT_TRUE(evidence.ok()) << evidence.ToString();
  auto listing = tracker::CheckListing(Fixture("listing.json"), legacy_root_.get(), nullptr);
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->entries.size(), 3u);
}

TEST_F(LegacyLogTest, ReadersRefuseAStoreNotYetMigrated) {
  Status refused = VerifyLog(*store_, kMessageLog, legacy_root_.get(), exchange::CheckMessageLeaf);
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("start the node"), std::string::npos) << refused.ToString();
  EXPECT_EQ(StoredLogIds(*store_).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(exchange::EvidenceFromStore(*store_, kMessageLog, "legacy-1").status().code(), Code::kFailedPrecondition);
}

TEST_F(LegacyLogTest, OpeningAnyLogMigratesEveryLogOfTheStore) {
  // A log of its own (today's key and CA) opened on the old store moves both old logs.
  SignedLogOptions options = Options();
  options.log_id = "a-new-log";
  auto log = SignedLog::Open(*store_, std::move(options));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log->reset();
  EXPECT_TRUE(RequireMigrated(*store_).ok());
  ExpectBothLogsVerify();
  auto ids = StoredLogIds(*store_);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{kMessageLog, kTrackerLog}));
  auto old_rows = store_->Query("SELECT COUNT(*) AS n FROM message_log_records");
  ASSERT_TRUE(old_rows.ok());
  EXPECT_EQ(std::get<int64_t>((*old_rows)[0]["n"]), 0);

  // What is exported now is what was exported then, byte for byte.
  auto evidence = exchange::EvidenceFromStore(*store_, kMessageLog, "legacy-1");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  EXPECT_EQ(*CanonicalJson(*evidence), Fixture("evidence.json"));
  auto entries = EntriesFromStore(*store_, kTrackerLog, "38001085718");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(*CanonicalJson(*entries), *CanonicalJson(Json::parse(Fixture("listing.json"))["entries"]));

  // The migration went through the journal: a replay of it gives the same state.
  auto report = store_->VerifyJournal(/*replay=*/true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->status.ok()) << report->status.ToString();
}

TEST_F(LegacyLogTest, MigratingAgainChangesNothing) {
  ASSERT_TRUE(store_->EnsureTables(tables::Schemas()).ok());
  ASSERT_TRUE(MigrateLegacyTables(*store_).ok());
  const int64_t seq = store_->Head().seq;
  ASSERT_TRUE(MigrateLegacyTables(*store_).ok());
  EXPECT_EQ(store_->Head().seq, seq);
  ExpectBothLogsVerify();
}

// Writes logs in the format of 2026-12-02 (one row per leaf in signed_log_leaves, the
// key indexed beside it) to RIIK_LEAF_ROW_LOG_DIR, with the root certificate and the
// documents exported from them, for tests/transparency/leaf_row_logs:
//   RIIK_LEAF_ROW_LOG_DIR=DIR build/release/tests/transparency_test
//     --gtest_also_run_disabled_tests --gtest_filter='*WriteLeafRowLogs'
TEST_F(LogFixture, DISABLED_WriteLeafRowLogs) {
  const char* dir = std::getenv("RIIK_LEAF_ROW_LOG_DIR");
  ASSERT_NE(dir, nullptr);
  auto log = exchange::MessageLog::Open(*store_, Options());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto tracker = tracker::Tracker::Open(*store_, "EE/COM/10060701/bank", Options());
  ASSERT_TRUE(tracker.ok()) << tracker.status().ToString();
  auto append = [&](const exchange::MessageRecord& r) {
    std::promise<Status> done;
    (*log)->Append(r, [&done](Result<Receipt> receipt) { done.set_value(receipt.status()); });
    return done.get_future().get();
  };
  auto access = [](int n) {
    return tracker::AccessRecord{"38001085718",
                                 "EE/COM/10060701/bank",
                                 "interest",
                                 {"interest earned"},
                                 "EE/GOV/70000349/tax",
                                 "EE38001085718",
                                 "Income Tax Act: pre-filled return",
                                 "leaf-row-" + std::to_string(n),
                                 1'790'000'000'000'000 + n};
  };
  for (int n = 0; n < 3; ++n) {
    const std::string id = "leaf-row-" + std::to_string(n);
    ASSERT_TRUE(append(exchange::SampleRecord(id, exchange::Direction::kRequest, n)).ok());
    ASSERT_TRUE(append(exchange::SampleRecord(id, exchange::Direction::kResponse, n)).ok());
    ASSERT_TRUE((*tracker)->Record(access(n)).ok());
  }
  ASSERT_TRUE(WaitForTimestamps((*log)->log()));
  ASSERT_TRUE(WaitForTimestamps((*tracker)->log()));
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << body;
  };
  auto evidence = (*log)->Evidence("leaf-row-1");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  write("evidence.json", *CanonicalJson(*evidence));
  auto listing = (*tracker)->Listing("38001085718", 0);
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  write("listing.json", *CanonicalJson(*listing));
  write("root.pem", CertificatePem(ca_->root_certificate()));
  tracker->reset();
  log->reset();
  store_.reset();
  std::filesystem::copy_file(dir_ / "exchange.db", std::string(dir) + "/logs.db");
}

}  // namespace
}  // namespace riik::transparency
