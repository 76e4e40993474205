// The validation service's log leaves: made from a report, read strictly, refused when
// changed, stored under another container, or not in canonical form.
#include "validation/validation_record.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace riik::validation {
namespace {

const std::string kContainer(64, 'a');

sign::VerificationReport Report() {
  sign::VerificationReport r;
  r.verdict = sign::Verdict::kValid;
  r.container_sha256 = kContainer;
  r.files.push_back({"return.json", "application/json", 120, std::string(64, 'b')});
  sign::SignatureReport s;
  s.id = "S0";
  s.verdict = sign::Verdict::kValid;
  s.signer_id = "PNOEE-38001085718";
  s.timestamp_time = 1'796'280'000'000'000;
  s.signed_files = {"return.json"};
  r.signatures.push_back(s);
  return r;
}

ValidationRecord Record() {
  ValidationRecord r = RecordOf(Report(), std::string(64, 'c'));
  r.client = "EE/GOV/70000349/tax";
  r.user_id = "EE38001085718";
  r.issue = "income tax return 2026";
  r.xroad_id = "0193f1a2-0000-7000-8000-000000000001";
  r.time_us = 1'796'280'000'500'000;
  return r;
}

TEST(ValidationRecordTest, ALeafIsTheCanonicalRecordUnderItsContainer) {
  auto leaf = RecordLeaf(Record());
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_TRUE(CheckValidationLeaf(kContainer, *leaf).ok());
  EXPECT_NE(leaf->find("\"sha256\":\"" + std::string(64, 'b') + "\""), std::string::npos);
  EXPECT_NE(CheckValidationLeaf(std::string(64, 'd'), *leaf).message().find("another container"), std::string::npos);
  std::string spaced = *leaf;
  spaced.insert(1, " ");
  EXPECT_NE(CheckValidationLeaf(kContainer, spaced).message().find("canonical"), std::string::npos);
}

TEST(ValidationRecordTest, StrictFields) {
  Json j = RecordToJson(Record());
  auto refused = [](Json changed) {
    auto r = RecordFromJson(changed);
    return r.ok() ? std::string("accepted") : r.status().message();
  };
  Json bad = j;
  bad["verdict"] = "FINE";
  EXPECT_NE(refused(bad).find("verdict"), std::string::npos);
  bad = j;
  bad["container_sha256"] = std::string(64, 'A');
  EXPECT_NE(refused(bad).find("container_sha256"), std::string::npos);
  bad = j;
  bad["extra"] = 1;
  EXPECT_NE(refused(bad), "accepted");
  bad = j;
  bad["signatures"][0]["files"][0]["sha256"] = "00";
  EXPECT_NE(refused(bad).find("signatures[0].files[0]"), std::string::npos);
  bad = j;
  bad["format"] = "riik-validation-v0";
  EXPECT_NE(refused(bad).find("format"), std::string::npos);
}

}  // namespace
}  // namespace riik::validation

namespace riik::validation {
namespace {

// Writes the fuzzer's seed to $RIIK_VALIDATION_CORPUS:
// --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
TEST(ValidationRecordTest, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("RIIK_VALIDATION_CORPUS");
  ASSERT_NE(dir, nullptr);
  std::ofstream(std::string(dir) + "/valid_record", std::ios::binary) << kContainer << "\n" << *RecordLeaf(Record());
}

}  // namespace
}  // namespace riik::validation
