// X-Road identifiers (parsing, the character rules) and the global configuration:
// signed by the central authority, refused when expired, tampered with, signed by a
// key the anchor does not hold, or for another instance.
#include "exchange/global_conf.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/x509.h"
#include "exchange/identifiers.h"

namespace riik::exchange {
namespace {

TEST(Identifiers, ClientAndServiceIdsParseAndRefuseWhatXRoadForbids) {
  auto c = ParseClientId("EE/GOV/70000310/tax");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->member.code, "70000310");
  EXPECT_EQ(c->subsystem, "tax");
  EXPECT_EQ(c->ToString(), "EE/GOV/70000310/tax");
  EXPECT_TRUE(ParseClientId("EE/COM/10060701").ok());
  EXPECT_EQ(ParseClientId("EE/GOV/a%2Fb/x").status().code(), Code::kInvalidArgument);  // '/' once decoded
  EXPECT_NE(ParseClientId("EE/GOV").status().message().find("INSTANCE/CLASS/CODE"), std::string::npos);
  EXPECT_NE(ParseClientId("EE//1/x").status().message().find("member class is empty"), std::string::npos);
  EXPECT_FALSE(ParseClientId("EE/GOV/1/x;y").ok());
  EXPECT_FALSE(ParseClientId("EE/GOV/1/x%zz").ok());
  EXPECT_TRUE(ParseClientId("EE/GOV/1/s%C3%B5na").ok());  // UTF-8 "sõna"

  auto p = ParseServicePath("/r1/EE/GOV/70000001/population/person/38001085718/address");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->service.ToString(), "EE/GOV/70000001/population/person");
  EXPECT_EQ(p->rest, "/38001085718/address");
  auto bare = ParseServicePath("/r1/EE/GOV/70000001/population/person");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->rest, "");
  EXPECT_FALSE(ParseServicePath("/r1/EE/GOV/70000001/population").ok());
  EXPECT_FALSE(ParseServicePath("/r2/EE/GOV/1/a/b").ok());
  EXPECT_FALSE(ParseServicePath("/r1/EE/GOV/1/a/").ok());
}

class GlobalConfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = std::move(*GenerateEcKey("P-256"));
    CertificateSpec spec;
    spec.subject = {{"C", "EE"}, {"CN", "EE central authority"}};
    spec.not_before = 0;
    spec.not_after = NowMicros() + 86400'000'000LL;
    cert_ = std::move(*IssueCertificate(spec, key_.get(), nullptr, nullptr));
    anchor_.instance = "EE";
    anchor_.certificates_pem = {CertificatePem(cert_.get())};
    conf_.instance = "EE";
    conf_.version = 7;
    conf_.generated_at = 1'000'000;
    conf_.expires_at = 2'000'000;
    conf_.members = {{*ParseMemberId("EE/GOV/70000001"), "Population Register", {"population"}},
                     {*ParseMemberId("EE/GOV/70000310"), "Tax and Customs Board", {"tax"}}};
    conf_.servers = {{*ParseMemberId("EE/GOV/70000001"), "ss1", "https://127.0.0.1:7101", "ab12",
                      {*ParseClientId("EE/GOV/70000001/population")}}};
    conf_.services = {{ParseServicePath("/r1/EE/GOV/70000001/population/person")->service, "a person's data"}};
  }
  UniquePtr<EVP_PKEY> key_;
  UniquePtr<X509> cert_;
  TrustAnchor anchor_;
  GlobalConf conf_;
};

TEST_F(GlobalConfTest, SignedConfigurationVerifiesAndRoundTrips) {
  auto doc = SignGlobalConf(conf_, key_.get(), cert_.get());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto anchor = TrustAnchor::Parse(anchor_.ToJson());
  ASSERT_TRUE(anchor.ok()) << anchor.status().ToString();
  auto conf = VerifyGlobalConf(*doc, *anchor, 1'500'000);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->version, 7);
  EXPECT_EQ(conf->ToJson(), conf_.ToJson());
  EXPECT_TRUE(conf->HasSubsystem(*ParseClientId("EE/GOV/70000310/tax")));
  EXPECT_FALSE(conf->HasSubsystem(*ParseClientId("EE/GOV/70000310/other")));
  ASSERT_NE(conf->ServerFor(*ParseClientId("EE/GOV/70000001/population")), nullptr);
  EXPECT_EQ(conf->ServerByCert("ab12")->Id(), "EE/GOV/70000001/ss1");
  EXPECT_NE(conf->FindService(conf_.services[0].id), nullptr);
}

TEST_F(GlobalConfTest, ExpiredTamperedForeignAndMalformedAreRefusedWithTheReason) {
  std::string doc = *SignGlobalConf(conf_, key_.get(), cert_.get());
  auto expired = VerifyGlobalConf(doc, anchor_, 2'000'000);
  EXPECT_EQ(expired.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("expired at"), std::string::npos);

  Json j = Json::parse(doc);
  j["conf"]["version"] = 8;  // tampered: the signature no longer covers it
  auto tampered = VerifyGlobalConf(j.dump(), anchor_, 1'500'000);
  EXPECT_EQ(tampered.status().code(), Code::kPermissionDenied);
  EXPECT_NE(tampered.status().message().find("signature does not verify"), std::string::npos);

  auto other_key = GenerateEcKey("P-256");
  CertificateSpec spec;
  spec.subject = {{"CN", "impostor"}};
  spec.not_after = NowMicros() + 86400'000'000LL;
  auto other = IssueCertificate(spec, other_key->get(), nullptr, nullptr);
  auto foreign = VerifyGlobalConf(*SignGlobalConf(conf_, other_key->get(), other->get()), anchor_, 1'500'000);
  EXPECT_NE(foreign.status().message().find("trust anchor does not hold"), std::string::npos);

  TrustAnchor lv = anchor_;
  lv.instance = "LV";
  EXPECT_NE(VerifyGlobalConf(doc, lv, 1'500'000).status().message().find("for instance EE"), std::string::npos);

  EXPECT_EQ(VerifyGlobalConf("{", anchor_, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyGlobalConf(std::string(kMaxGlobalConfBytes + 1, ' '), anchor_, 0).status().code(),
            Code::kInvalidArgument);
  Json no_members = Json::parse(doc);
  no_members["conf"].erase("members");
  EXPECT_FALSE(GlobalConf::FromJson(no_members["conf"]).ok());
  EXPECT_NE(GlobalConf::FromJson(no_members["conf"]).status().message().find("conf.members"), std::string::npos);
}

}  // namespace
}  // namespace riik::exchange
