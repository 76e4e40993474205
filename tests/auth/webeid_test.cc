// The Web eID token and the checks on a citizen's certificate (auth/webeid.h,
// auth/eid_check.h), each refusal with its reason.
#include "auth/webeid.h"

#include <gtest/gtest.h>

#include "auth/app_confirm.h"
#include "auth_fixture.h"
#include "crypto/signature.h"
#include "trust/ocsp_client.h"

namespace riik::auth {
namespace {

constexpr const char* kNonce = "12345678901234567890123456789012345678901234";

class WebEidTest : public AuthFixture {
 protected:
  Checked<Person> Verify(const std::string& token_json, const std::string& origin = kOrigin,
                         const std::string& nonce = kNonce) {
    auto token = ParseWebEidToken(token_json);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    if (!token.ok()) return Refused{Refusal::kMalformedToken, token.status().message()};
    EidTrust trust = Trust();
    return VerifyWebEidToken(*token, origin, nonce, trust);
  }
  static Refusal Why(const Checked<Person>& c) { return Passed(c) ? Refusal::kInternal : std::get<Refused>(c).why; }
};

TEST_F(WebEidTest, AValidTokenNamesThePerson) {
  Checked<Person> person = Verify(WebEidToken(*jaan_, kNonce));
  ASSERT_TRUE(Passed(person)) << std::get<Refused>(person).detail;
  const Person& p = std::get<Person>(person);
  EXPECT_EQ(p.code, "38001085718");
  EXPECT_EQ(p.Subject(), "EE38001085718");
  EXPECT_EQ(p.given_name, "JAAN");
  EXPECT_EQ(p.family_name, "TAMM");
  EXPECT_EQ(p.date_of_birth, "1980-01-08");
}

TEST_F(WebEidTest, TheSignedValueIsTheHashOfOriginThenOfTheNonceText) {
  auto value = WebEidSignedValue("ES384", "https://a.test", "bm9uY2U=");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->size(), 96u);
  auto token = ParseWebEidToken(WebEidToken(*jaan_, "bm9uY2U=", "https://a.test")).value();
  auto cert = ParseCertificateDer(token.certificate_der).value();
  EXPECT_TRUE(
      VerifyWith(X509_get0_pubkey(cert.get()), EVP_sha384(), *value, token.signature, SignatureEncoding::kRaw).value());
}

TEST_F(WebEidTest, AnotherSitesTokenIsRefused) {
  EXPECT_EQ(Why(Verify(WebEidToken(*jaan_, kNonce, "https://evil.test"))), Refusal::kBadSignature);
}

TEST_F(WebEidTest, ATokenForAnotherChallengeIsRefused) {
  EXPECT_EQ(Why(Verify(WebEidToken(*jaan_, kNonce), kOrigin, "another-nonce-0123456789012345678901234")),
            Refusal::kBadSignature);
}

TEST_F(WebEidTest, AForgedSignatureIsRefused) {
  Json token = Json::parse(WebEidToken(*jaan_, kNonce));
  std::string sig = Base64Decode(token["signature"].get<std::string>()).value();
  sig[10] ^= 0x40;
  token["signature"] = Base64Encode(sig);
  EXPECT_EQ(Why(Verify(token.dump())), Refusal::kBadSignature);
}

TEST_F(WebEidTest, AnotherPersonsCertificateWithThisSignatureIsRefused) {
  Json token = Json::parse(WebEidToken(*jaan_, kNonce));
  Json maris = Json::parse(WebEidToken(Mari(), kNonce));
  token["unverifiedCertificate"] = maris["unverifiedCertificate"];
  EXPECT_EQ(Why(Verify(token.dump())), Refusal::kBadSignature);
}

TEST_F(WebEidTest, ARevokedCertificateIsRefused) {
  auto revoked = ca_->RevokePerson("38001085718", "keyCompromise");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  Checked<Person> c = Verify(WebEidToken(*jaan_, kNonce));
  EXPECT_EQ(Why(c), Refusal::kCertificateRevoked);
  EXPECT_NE(std::get<Refused>(c).detail.find("revoked at"), std::string::npos);
}

TEST_F(WebEidTest, ARememberedCertificateIsStillCheckedForRevocationAndExpiry) {
  EidTrust trust = Trust();  // one trust, so the chain is remembered across sign-ins
  auto check = [&](const std::string& token_json) {
    return VerifyWebEidToken(ParseWebEidToken(token_json).value(), kOrigin, kNonce, trust);
  };
  ASSERT_TRUE(Passed(check(WebEidToken(*jaan_, kNonce))));
  auto cert = trust.ParseCertificate(ParseWebEidToken(WebEidToken(*jaan_, kNonce))->certificate_der);
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(trust.known->Chained(cert->get()));
  ASSERT_TRUE(ca_->RevokePerson("38001085718", "keyCompromise").ok());
  EXPECT_EQ(Why(check(WebEidToken(*jaan_, kNonce))), Refusal::kCertificateRevoked);
  now_ += int64_t{6} * 365 * 86400 * 1'000'000;
  EXPECT_EQ(Why(check(WebEidToken(*jaan_, kNonce))), Refusal::kCertificateNotValidNow);
}

TEST(KnownCertificatesTest, ForgetsTheLeastRecentlyUsedAndNeverConfusesCertificates) {
  auto key = GenerateEcKey("P-256");
  auto make = [&](const std::string& cn) {
    CertificateSpec spec;
    spec.subject = {{"CN", cn}};
    spec.not_before = NowMicros();
    spec.not_after = NowMicros() + 3'600'000'000LL;
    return CertificateDer(IssueCertificate(spec, key->get(), nullptr, key->get())->get());
  };
  KnownCertificates known(2);
  std::string a = make("a"), b = make("b"), c = make("c");
  auto pa = known.Parse(a);
  ASSERT_TRUE(pa.ok());
  known.MarkChained(pa->get());
  EXPECT_TRUE(known.Chained(pa->get()));
  EXPECT_EQ(known.Parse(a)->get(), pa->get());  // parsed once
  auto other = ParseCertificateDer(b);
  EXPECT_FALSE(known.Chained(other->get()));  // never marked
  ASSERT_TRUE(known.Parse(b).ok());
  ASSERT_TRUE(known.Parse(c).ok());  // a goes: the least recently used
  EXPECT_FALSE(known.Chained(pa->get()));
  EXPECT_FALSE(known.Parse("not a certificate").ok());
}

TEST_F(WebEidTest, AnExpiredCertificateIsRefused) {
  now_ += int64_t{6} * 365 * 86400 * 1'000'000;  // eIDs are valid five years
  EXPECT_EQ(Why(Verify(WebEidToken(*jaan_, kNonce))), Refusal::kCertificateNotValidNow);
}

TEST_F(WebEidTest, NoStatusNoSignIn) {
  ocsp_up_ = false;
  EXPECT_EQ(Why(Verify(WebEidToken(*jaan_, kNonce))), Refusal::kStatusUnavailable);
}

TEST_F(WebEidTest, ABadStatusAnswerIsRefusedWithoutPersonalDataInItsReason) {
  EidTrust trust = Trust();
  trust.post_ocsp = [this](const std::string&, std::string_view) -> Result<std::string> {
    // An answer about another certificate: Mari's, to a request about Jaan's.
    auto maris = Mari().Certificate(trust::EidKey::kAuthentication);
    auto query = trust::BuildOcspQuery(maris->get(), ca_->eid_certificate());
    return ocsp_->Respond(query->der);
  };
  auto token = ParseWebEidToken(WebEidToken(*jaan_, kNonce)).value();
  Checked<Person> c = VerifyWebEidToken(token, kOrigin, kNonce, trust);
  ASSERT_EQ(Why(c), Refusal::kStatusUnavailable);
  EXPECT_NE(std::get<Refused>(c).detail.find("the citizen's certificate"), std::string::npos)
      << std::get<Refused>(c).detail;
  EXPECT_EQ(std::get<Refused>(c).detail.find("38001085718"), std::string::npos) << std::get<Refused>(c).detail;
  EXPECT_EQ(std::get<Refused>(c).detail.find("TAMM"), std::string::npos) << std::get<Refused>(c).detail;
}

TEST_F(WebEidTest, TheSigningCertificateCannotSignIn) {
  auto key = jaan_->PrivateKey(trust::EidKey::kSigning, "01497");
  auto cert = jaan_->Certificate(trust::EidKey::kSigning);
  ASSERT_TRUE(key.ok() && cert.ok());
  auto token = MakeWebEidToken(key->get(), cert->get(), kOrigin, kNonce);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Why(Verify(*token)), Refusal::kWrongCertificate);
}

TEST_F(WebEidTest, AServersCertificateFromTheOrganisationsCaCannotSignIn) {
  auto key = GenerateEcKey("P-256");
  trust::IssueRequest req;
  req.profile = trust::Profile::kTlsClient;
  req.common_name = "38001085718";
  req.organization = "Evil Corp";
  req.public_key = key->get();
  auto rec = ca_->Issue(req);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  auto cert = ParseCertificatePem(rec->pem);
  auto token = MakeWebEidToken(key->get(), cert->get(), kOrigin, kNonce);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Why(Verify(*token)), Refusal::kUntrustedCertificate);
}

TEST_F(WebEidTest, ASelfMadeCertificateIsRefused) {
  auto key = GenerateEcKey("P-384");
  CertificateSpec spec;
  spec.subject = {{"C", "EE"}, {"CN", "TAMM,JAAN,38001085718"}, {"serialNumber", "PNOEE-38001085718"}};
  spec.not_before = NowMicros() - 3'600'000'000LL;
  spec.not_after = NowMicros() + 3'600'000'000LL;
  spec.key_usage = "critical,digitalSignature";
  spec.extended_key_usage = "clientAuth";
  auto self = IssueCertificate(spec, key->get(), nullptr, key->get());
  ASSERT_TRUE(self.ok()) << self.status().ToString();
  auto token = MakeWebEidToken(key->get(), self->get(), kOrigin, kNonce);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Why(Verify(*token)), Refusal::kUntrustedCertificate);
}

TEST_F(WebEidTest, MalformedTokensAreRefusedWithTheReason) {
  Json good = Json::parse(WebEidToken(*jaan_, kNonce));
  Json extra = good;
  extra["unverifiedSigningCertificate"] = "x";
  EXPECT_FALSE(ParseWebEidToken(extra.dump()).ok());
  Json missing = good;
  missing.erase("appVersion");
  EXPECT_FALSE(ParseWebEidToken(missing.dump()).ok());
  Json format = good;
  format["format"] = "web-eid:2.0";
  EXPECT_NE(ParseWebEidToken(format.dump()).status().message().find("web-eid:1"), std::string::npos);
  Json alg = good;
  alg["algorithm"] = "HS256";
  EXPECT_FALSE(ParseWebEidToken(alg.dump()).ok());
  Json b64 = good;
  b64["signature"] = "not base64!";
  EXPECT_FALSE(ParseWebEidToken(b64.dump()).ok());
  EXPECT_FALSE(ParseWebEidToken(std::string(kMaxWebEidTokenBytes + 1, ' ')).ok());
  EXPECT_FALSE(ParseWebEidToken("[]").ok());
}

TEST_F(WebEidTest, SignaturesWithLeadingZerosVerify) {
  // r||s keeps a half's leading zero bytes, DER drops them: find a signature whose r
  // starts with a zero byte (1 in 256) and check it round-trips.
  EVP_PKEY* key = AuthKey(*jaan_);
  auto cert = jaan_->Certificate(trust::EidKey::kAuthentication);
  ASSERT_TRUE(cert.ok());
  for (int i = 0; i < 4000; ++i) {
    std::string nonce = "nonce-" + std::to_string(i) + "-0123456789012345678901234567890";
    auto token_json = MakeWebEidToken(key, cert->get(), kOrigin, nonce);
    ASSERT_TRUE(token_json.ok());
    auto token = ParseWebEidToken(*token_json).value();
    if (token.signature[0] != '\0') continue;
    EXPECT_TRUE(Passed(Verify(*token_json, kOrigin, nonce)));
    return;
  }
  GTEST_SKIP() << "no signature with a leading zero in 4000 tries";
}

TEST(VerificationCodeTest, IsTheLastTwoBytesOfTheHashesSha256ModTenThousand) {
  // SHA-256("") ends in ...7852b855: 0xb855 = 47189 -> 7189.
  EXPECT_EQ(VerificationCode(""), "7189");
  // SHA-256("abc") ends in ...f20015ad: 0x15ad = 5549.
  EXPECT_EQ(VerificationCode("abc"), "5549");
}

}  // namespace
}  // namespace riik::auth
