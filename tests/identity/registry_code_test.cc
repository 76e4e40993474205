// Registry codes: real companies' and agencies' codes, the fallback weights, and each
// reason to refuse.
#include "identity/registry_code.h"

#include <gtest/gtest.h>

namespace riik::identity {
namespace {

TEST(RegistryCodeTest, ParsesKnownValidCodes) {
  // Swedbank AS, AS SEB Pank, AS LHV Pank, Riigi Infosüsteemi Amet, a public body of the demo.
  for (const char* valid : {"10060701", "10004252", "10539549", "70006317", "70000310"}) {
    auto code = RegistryCode::Parse(valid);
    EXPECT_TRUE(code.ok()) << valid << ": " << code.status().ToString();
  }
  EXPECT_EQ(RegistryCode::Parse("10060701")->kind, LegalPersonKind::kCompany);
  EXPECT_EQ(RegistryCode::Parse("70006317")->kind, LegalPersonKind::kPublicBody);
  EXPECT_EQ(LegalPersonKindName(LegalPersonKind::kFoundation), "foundation");
}

TEST(RegistryCodeTest, CheckDigitUsesTheSecondWeightsAndThenZero) {
  // 1000005: 1×1 + 5×7 = 36, 3 mod 11.
  EXPECT_EQ(RegistryCodeCheckDigit("1000005"), 3);
  // 1000006: 1 + 42 = 43, 10 mod 11; the second weights give 3 + 54 = 57, 2 mod 11.
  EXPECT_EQ(RegistryCodeCheckDigit("1000006"), 2);
  // 1000064: 1 + 36 + 28 = 65 and 3 + 48 + 36 = 87, both 10 mod 11: the digit is 0.
  EXPECT_EQ(RegistryCodeCheckDigit("1000064"), 0);
  EXPECT_TRUE(RegistryCode::Parse("10000062").ok());
  EXPECT_TRUE(RegistryCode::Parse("10000640").ok());
}

TEST(RegistryCodeTest, RefusalsSayWhy) {
  auto why = [](const char* code) { return RegistryCode::Parse(code).status().message(); };
  EXPECT_NE(why("1006070").find("7 characters, not 8 digits"), std::string::npos);
  EXPECT_NE(why("100607011").find("9 characters, not 8 digits"), std::string::npos);
  EXPECT_NE(why("1006O701").find("non-digit at position 5"), std::string::npos);
  EXPECT_NE(why("30060701").find("first digit must be 1 (company)"), std::string::npos);
  EXPECT_NE(why("10060702").find("checksum: the last digit should be 1"), std::string::npos);
  EXPECT_EQ(RegistryCode::Parse("10060702").status().code(), Code::kInvalidArgument);
}

TEST(RegistryCodeTest, MakeAppendsTheCheckDigit) {
  auto code = RegistryCode::Make(1006070);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(code->code, "10060701");
  EXPECT_FALSE(RegistryCode::Make(999999).ok());
  EXPECT_FALSE(RegistryCode::Make(10000000).ok());
  EXPECT_FALSE(RegistryCode::Make(2000000).ok());  // no such kind
  for (int n = 1000000; n < 1700000; n += 6173) {
    auto made = RegistryCode::Make(n);
    ASSERT_TRUE(made.ok());
    EXPECT_TRUE(RegistryCode::Parse(made->code).ok());
  }
}

}  // namespace
}  // namespace riik::identity
