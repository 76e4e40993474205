// Logs written in earlier formats, each by the code of its time, still verify: those
// before src/transparency (tests/transparency/legacy_logs: message_log_* tables) and
// those of one row per leaf (tests/transparency/leaf_row_logs). Opening a signed log
// migrates every log of the store; both logs then verify with their users' leaf checks,
// the evidence and entries exported from them are byte for byte those exported then,
// and the documents exported then verify with today's code. Until migrated, read-only
// readers refuse the store with a message saying what to do.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/evidence.h"
#include "exchange/message_log.h"
#include "log_fixture.h"
#include "tracker/access_record.h"
#include "tracker/listing.h"
#include "transparency/migration.h"
#include "transparency/stored_log.h"
#include "transparency/tables.h"
#include "transparency/verify.h"

namespace riik::transparency {
namespace {

constexpr const char* kMessageLog = "EE/GOV/70000310/tax";
constexpr const char* kTrackerLog = "tracker:EE/COM/10060701/bank";

// One fixture: its directory, the table its leaves were in, the X-Road-Id its evidence
// document is for, and how many entries its listing has.
struct Format {
  const char* dir;
  const char* leaf_table;
  const char* xroad_id;
  size_t listed;
};

const Format kFormats[] = {
    {RIIK_LEGACY_LOGS, "message_log_records", "legacy-1", 3},
    {RIIK_LEAF_ROW_LOGS, "signed_log_leaves", "leaf-row-1", 3},
};

class LegacyLogTest : public LogFixture, public ::testing::WithParamInterface<Format> {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    store_.reset();
    std::filesystem::copy_file(std::string(GetParam().dir) + "/logs.db", dir_ / "exchange.db",
                               std::filesystem::copy_options::overwrite_existing);
    OpenStore();
    auto root = ParseCertificatePem(Fixture("root.pem"));
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    legacy_root_ = std::move(*root);
  }

  static std::string Fixture(const std::string& name) {
    auto text = ReadFile(std::string(GetParam().dir) + "/" + name);
    EXPECT_TRUE(text.ok()) << name;
    return text.ok() ? *text : "";
  }

  void ExpectBothLogsVerify() {
    for (auto [log_id, check] : {std::pair{kMessageLog, LeafCheck(exchange::CheckMessageLeaf)},
                                 std::pair{kTrackerLog, LeafCheck(tracker::CheckAccessLeaf)}}) {
      Result<VerifiedLog> found = VerifyLog(*store_, log_id, legacy_root_.get(), check);
      ASSERT_TRUE(found.ok()) << log_id << ": " << found.status().ToString();
      EXPECT_GT(found->leaves, 0) << log_id;
      EXPECT_EQ(found->signed_leaves, found->leaves) << log_id << ": written before head intervals, all signed";
    }
  }

  UniquePtr<X509> legacy_root_;
};

TEST_P(LegacyLogTest, TheDocumentsExportedThenStillVerify) {
  Status evidence = exchange::VerifyEvidence(Fixture("evidence.json"), legacy_root_.get());
  EXPECT_TRUE(evidence.ok()) << evidence.ToString();
  auto listing = tracker::CheckListing(Fixture("listing.json"), legacy_root_.get(), nullptr);
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->entries.size(), GetParam().listed);
}

TEST_P(LegacyLogTest, ReadersRefuseAStoreNotYetMigrated) {
  Status refused = VerifyLog(*store_, kMessageLog, legacy_root_.get(), exchange::CheckMessageLeaf).status();
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("start the node"), std::string::npos) << refused.ToString();
  EXPECT_EQ(StoredLogIds(*store_).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(exchange::EvidenceFromStore(*store_, kMessageLog, GetParam().xroad_id).status().code(),
            Code::kFailedPrecondition);
}

TEST_P(LegacyLogTest, OpeningAnyLogMigratesEveryLogOfTheStore) {
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
  auto old_rows = store_->Query(std::string("SELECT COUNT(*) AS n FROM ") + GetParam().leaf_table);
  ASSERT_TRUE(old_rows.ok());
  EXPECT_EQ(std::get<int64_t>((*old_rows)[0]["n"]), 0);

  // What is exported now is what was exported then, byte for byte.
  auto evidence = exchange::EvidenceFromStore(*store_, kMessageLog, GetParam().xroad_id);
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

TEST_P(LegacyLogTest, MigratingAgainChangesNothing) {
  ASSERT_TRUE(store_->EnsureTables(tables::Schemas()).ok());
  ASSERT_TRUE(MigrateLegacyTables(*store_).ok());
  const int64_t seq = store_->Head().seq;
  ASSERT_TRUE(MigrateLegacyTables(*store_).ok());
  EXPECT_EQ(store_->Head().seq, seq);
  ExpectBothLogsVerify();
}

INSTANTIATE_TEST_SUITE_P(Formats, LegacyLogTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<Format>& p) { return std::string(p.param.leaf_table); });

}  // namespace
}  // namespace riik::transparency
