// IBANs: banks' published examples, Estonia's national check, and each reason to refuse.
#include "identity/iban.h"

#include <gtest/gtest.h>

namespace riik::identity {
namespace {

TEST(IbanTest, ParsesKnownValidIbans) {
  // Estonian banks' examples (Swedbank, SEB, LHV) and other countries' registry examples.
  for (const char* valid : {"EE382200221020145685", "EE471000001020145685", "EE717700771001735865",
                            "DE89370400440532013000", "GB29NWBK60161331926819", "FI2112345600000785", "NO9386011117947",
                            "LV80BANK0000435195001", "LT121000011101001000"}) {
    auto iban = Iban::Parse(valid);
    EXPECT_TRUE(iban.ok()) << valid << ": " << iban.status().ToString();
  }
  auto iban = Iban::Parse("EE382200221020145685");
  EXPECT_EQ(iban->country(), "EE");
  EXPECT_EQ(iban->bban(), "2200221020145685");
  EXPECT_EQ(iban->Printed(), "EE38 2200 2210 2014 5685");
}

TEST(IbanTest, AcceptsThePrintedFormAndSmallLetters) {
  auto iban = Iban::Parse("ee38 2200 2210 2014 5685");
  ASSERT_TRUE(iban.ok()) << iban.status().ToString();
  EXPECT_EQ(iban->electronic, "EE382200221020145685");
}

TEST(IbanTest, CheckDigits) {
  EXPECT_EQ(IbanCheckDigits("EE", "2200221020145685"), 38);
  EXPECT_EQ(IbanCheckDigits("DE", "370400440532013000"), 89);
  EXPECT_EQ(EstonianAccountCheckDigit("22102014568"), 5);
  EXPECT_EQ(EstonianAccountCheckDigit("102014568"), 5);
}

TEST(IbanTest, MakesEstonianIbans) {
  auto iban = Iban::MakeEstonian("22", "221020145685");
  ASSERT_TRUE(iban.ok()) << iban.status().ToString();
  EXPECT_EQ(iban->electronic, "EE382200221020145685");
  EXPECT_FALSE(Iban::MakeEstonian("2", "221020145685").ok());
  EXPECT_FALSE(Iban::MakeEstonian("22", "221020145684").ok());  // national check fails
  EXPECT_FALSE(Iban::MakeEstonian("22", "123456789012345").ok());
  EXPECT_FALSE(Iban::MakeEstonian("22", "12345x").ok());
}

TEST(IbanTest, RefusalsSayWhy) {
  auto why = [](const std::string& text) { return Iban::Parse(text).status().message(); };
  EXPECT_NE(why(std::string(80, '1')).find("longer than 64 characters"), std::string::npos);
  EXPECT_NE(why("EE38-2200-2210-2014-5685").find("other than a letter, digit or space at position 5"),
            std::string::npos);
  EXPECT_NE(why("EE3822002210").find("has 12 letters and digits; an IBAN has 15 to 34"), std::string::npos);
  EXPECT_NE(why("1E382200221020145685").find("two-letter country code"), std::string::npos);
  EXPECT_NE(why("EEX82200221020145685").find("two check digits"), std::string::npos);
  EXPECT_NE(why("EE38220022102014568").find("IBANs of EE have 20"), std::string::npos);
  EXPECT_NE(why("EE392200221020145685").find("mod-97 check: the check digits should be 38"), std::string::npos);
  // Valid mod 97 but not an Estonian account number.
  int check = IbanCheckDigits("EE", "2200221020145684");
  std::string bad = "EE" + std::to_string(check / 10) + std::to_string(check % 10) + "2200221020145684";
  EXPECT_NE(why(bad).find("7-3-1): its last digit should be 5"), std::string::npos);
  check = IbanCheckDigits("EE", "22000000000000A0");
  bad = "EE" + std::to_string(check / 10) + std::to_string(check % 10) + "22000000000000A0";
  EXPECT_NE(why(bad).find("letter in the account part"), std::string::npos);
  check = IbanCheckDigits("EE", "2200000000000000");
  bad = "EE" + std::to_string(check / 10) + std::to_string(check % 10) + "2200000000000000";
  EXPECT_NE(why(bad).find("only zeros"), std::string::npos);
  EXPECT_EQ(Iban::Parse("EE392200221020145685").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace riik::identity
