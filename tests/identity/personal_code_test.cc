// Personal codes: known valid codes, both check-digit rules, and each reason to refuse.
#include "identity/personal_code.h"

#include <gtest/gtest.h>

namespace riik::identity {
namespace {

TEST(PersonalCodeTest, ParsesKnownValidCodes) {
  auto pc = PersonalCode::Parse("38001085718");
  ASSERT_TRUE(pc.ok()) << pc.status().ToString();
  EXPECT_EQ(pc->year, 1980);
  EXPECT_EQ(pc->month, 1);
  EXPECT_EQ(pc->day, 8);
  EXPECT_EQ(pc->sex, Sex::kMale);
  EXPECT_EQ(pc->serial, 571);
  EXPECT_EQ(pc->Pno(), "PNOEE-38001085718");
  EXPECT_EQ(pc->XRoadUserId(), "EE38001085718");
  for (const char* valid : {"37605030299", "49403136515", "47101010033", "60001019906", "50001010006"}) {
    EXPECT_TRUE(PersonalCode::Parse(valid).ok()) << valid;
  }
  auto girl = PersonalCode::Parse("60001019906");
  EXPECT_EQ(girl->year, 2000);
  EXPECT_EQ(girl->sex, Sex::kFemale);
}

TEST(PersonalCodeTest, CheckDigitUsesTheSecondWeightsAndThenZero) {
  // First weights give 10 for 3800108007; the second weights give 9.
  EXPECT_EQ(PersonalCodeCheckDigit("3800108007"), 9);
  // Both weight sets give 10 for 3800108135: the digit is 0.
  EXPECT_EQ(PersonalCodeCheckDigit("3800108135"), 0);
  EXPECT_TRUE(PersonalCode::Parse("38001080079").ok());
  EXPECT_TRUE(PersonalCode::Parse("38001081350").ok());
}

TEST(PersonalCodeTest, RefusalsSayWhy) {
  auto why = [](const char* code) { return PersonalCode::Parse(code).status().message(); };
  EXPECT_NE(why("3800108571").find("10 characters, not 11"), std::string::npos);
  EXPECT_NE(why("3800108571X").find("non-digit at position 11"), std::string::npos);
  EXPECT_NE(why("98001085718").find("first digit must be 1 to 8"), std::string::npos);
  EXPECT_NE(why("38002305718").find("impossible date of birth 1980-02-30"), std::string::npos);
  EXPECT_NE(why("39002295716").find("impossible date of birth 1990-02-29"), std::string::npos);
  EXPECT_NE(why("38001085719").find("checksum: the last digit should be 8"), std::string::npos);
}

TEST(PersonalCodeTest, MakeRoundTripsIncludingLeapDays) {
  auto leap = PersonalCode::Make(Sex::kFemale, 2000, 2, 29, 42);
  ASSERT_TRUE(leap.ok()) << leap.status().ToString();
  EXPECT_EQ(leap->code.substr(0, 10), "6000229042");
  EXPECT_FALSE(PersonalCode::Make(Sex::kMale, 1900, 2, 29, 1).ok());  // 1900 was not a leap year
  EXPECT_FALSE(PersonalCode::Make(Sex::kMale, 2200, 1, 1, 1).ok());
  EXPECT_FALSE(PersonalCode::Make(Sex::kMale, 1990, 1, 1, 1000).ok());
  for (int serial = 0; serial < 1000; serial += 37) {
    auto pc = PersonalCode::Make(Sex::kMale, 1885, 12, 31, serial);
    ASSERT_TRUE(pc.ok());
    EXPECT_EQ(pc->code[0], '1');
    auto again = PersonalCode::Parse(pc->code);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->serial, serial);
  }
}

}  // namespace
}  // namespace riik::identity
