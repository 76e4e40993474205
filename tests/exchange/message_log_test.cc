// The message log: messages as leaves of the member's signed log, the record encoding,
// invalid records refused before they reach the log, and VerifyLog naming a leaf that
// is not a record or is stored under another X-Road-Id. The signed log itself is tested
// in tests/transparency.
#include "exchange/message_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "exchange/message_record.h"
#include "log_fixture.h"
#include "support/pg_cluster.h"

namespace riik::exchange {
namespace {

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

// LeafData writes the canonical JSON itself: it must be byte for byte what the document
// gives, for text that needs escaping and for UTF-8, or old leaves would stop verifying.
TEST(MessageRecordTest, LeafIsWrittenAsTheDocumentsCanonicalForm) {
  for (Direction direction : {Direction::kRequest, Direction::kResponse}) {
    MessageRecord r = SampleRecord("018f\"quoted\\id", direction, 42);
    r.path = "/a?q=\"x\"&b=\\y&name=J\u00fcri T\u00e4nav \U0001f600 /";
    r.user_id = "EE38001085718";
    r.issue = "case \"1\" \u2014 \xe2\x82\xac";
    r.represented_party = "";
    r.time_us = INT64_MAX;
    auto direct = LeafData(r);
    auto document = CanonicalJson(RecordToJson(r));
    ASSERT_TRUE(direct.ok()) << direct.status().ToString();
    ASSERT_TRUE(document.ok()) << document.status().ToString();
    EXPECT_EQ(*direct, *document);
  }
}

TEST(MessageRecordTest, HeaderDigestIgnoresOrderCaseAndOtherHeaders) {
  std::vector<std::pair<std::string, std::string>> a = {
      {"X-Road-Client", "EE/GOV/70000310/tax"}, {"Content-Type", "application/json"}, {"X-Road-Id", "abc"}};
  std::vector<std::pair<std::string, std::string>> b = {{"x-road-id", "abc"}, {"X-ROAD-CLIENT", "EE/GOV/70000310/tax"}};
  EXPECT_EQ(XRoadHeadersSha256(a), XRoadHeadersSha256(b));
  b[0].second = "abd";
  EXPECT_NE(XRoadHeadersSha256(a), XRoadHeadersSha256(b));
}

TEST_F(LogTest, VerifyLogNamesALeafThatIsNotAMessageRecord) {
  OpenLog();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(AppendAndWait(SampleRecord("id-" + std::to_string(i), Direction::kRequest, i)).ok());
  ASSERT_TRUE(log_->log().VerifyLog().ok()) << log_->log().VerifyLog().ToString();
  auto leaf = [](int i) { return *LeafData(SampleRecord("id-" + std::to_string(i), Direction::kRequest, i)); };
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, transparency::ReplaceLeafSql(3, leaf(3), "{}")).ok());
  EXPECT_NE(log_->log().VerifyLog().message().find("leaf 3 is not a valid record"), std::string::npos)
      << log_->log().VerifyLog().ToString();
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, transparency::ReplaceLeafSql(3, "{}", leaf(4))).ok());
  EXPECT_NE(log_->log().VerifyLog().message().find("leaf 3 is stored under another X-Road-Id"), std::string::npos)
      << log_->log().VerifyLog().ToString();
  // The same record, valid JSON still, but not the bytes it is written as.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, transparency::ReplaceLeafSql(1, leaf(1), " " + leaf(1))).ok());
  EXPECT_NE(log_->log().VerifyLog().message().find("leaf 1 is not in canonical form"), std::string::npos)
      << log_->log().VerifyLog().ToString();
}

TEST_F(LogTest, InvalidRecordsAreRefusedAtOnce) {
  OpenLog();
  MessageRecord r = SampleRecord("x");
  r.client.clear();
  auto result = AppendAndWait(r);
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(log_->log().size(), 0);
}

}  // namespace
}  // namespace riik::exchange
