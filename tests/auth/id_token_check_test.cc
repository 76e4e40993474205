// The relying party's checks on ID tokens and back-channel logout tokens
// (auth/id_token_check.h), each refusal on its own.
#include "auth/id_token_check.h"

#include <gtest/gtest.h>

#include "auth/jose.h"
#include "core/encoding.h"
#include "crypto/signature.h"

namespace riik::auth {
namespace {

constexpr const char* kIssuer = "https://auth.riik.test";
constexpr const char* kClient = "portal";
constexpr int64_t kNow = 1'796'000'000;  // seconds
constexpr const char* kAccess = "access-token-0123456789";
constexpr const char* kLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

class IdTokenCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    es256_ = std::move(GenerateEcKey("P-256").value());
    es384_ = std::move(GenerateEcKey("P-384").value());
    jwks_ = Json{{"keys",
                  {PublicJwk(es256_.get(), "k256", JwsAlg::kES256).value(),
                   PublicJwk(es384_.get(), "k384", JwsAlg::kES384).value()}}};
    expected_ = ExpectedToken{kIssuer, kClient, kNow * 1'000'000};
  }

  static Json IdClaims(JwsAlg alg = JwsAlg::kES256) {
    return Json{{"iss", kIssuer},    {"sub", "EE38001085718"}, {"aud", kClient}, {"iat", kNow - 5},
                {"exp", kNow + 600}, {"nonce", "n-1"},         {"sid", "s-1"},   {"at_hash", AtHash(alg, kAccess)}};
  }
  static Json LogoutClaims() {
    return Json{{"iss", kIssuer}, {"aud", kClient}, {"iat", kNow - 5},
                {"jti", "j-1"},   {"sid", "s-1"},   {"events", {{kLogoutEvent, Json::object()}}}};
  }
  std::string Sign(const Json& claims, JwsAlg alg = JwsAlg::kES256, std::string_view kid = "") {
    EVP_PKEY* key = alg == JwsAlg::kES384 ? es384_.get() : es256_.get();
    if (kid.empty()) kid = alg == JwsAlg::kES384 ? "k384" : "k256";
    return SignJws(claims, key, alg, kid).value();
  }
  // The message of the refusal of `claims` as an ID token ("" if it was accepted).
  std::string IdRefusal(const Json& claims, JwsAlg alg = JwsAlg::kES256) {
    auto r = CheckIdToken(Sign(claims, alg), jwks_, expected_, "n-1", kAccess);
    return r.ok() ? "" : r.status().message();
  }
  std::string LogoutRefusal(const Json& claims) {
    auto r = CheckLogoutToken(Sign(claims, JwsAlg::kES256), jwks_, expected_);
    return r.ok() ? "" : r.status().message();
  }

  UniquePtr<EVP_PKEY> es256_, es384_;
  Json jwks_;
  ExpectedToken expected_;
};

TEST_F(IdTokenCheckTest, AcceptsAGoodTokenOfEitherCurve) {
  for (JwsAlg alg : {JwsAlg::kES256, JwsAlg::kES384}) {
    auto claims = CheckIdToken(Sign(IdClaims(alg), alg), jwks_, expected_, "n-1", kAccess);
    ASSERT_TRUE(claims.ok()) << JwsAlgName(alg) << ": " << claims.status().ToString();
    EXPECT_EQ((*claims)["sub"], "EE38001085718");
  }
}

TEST_F(IdTokenCheckTest, AtHashFollowsTheTokensAlgorithm) {
  // OpenID Connect Core §3.1.3.6: the left half of the hash the token's alg uses.
  EXPECT_EQ(Base64UrlDecode(AtHash(JwsAlg::kES256, kAccess)).value().size(), 16u);
  EXPECT_EQ(Base64UrlDecode(AtHash(JwsAlg::kRS256, kAccess)).value().size(), 16u);
  EXPECT_EQ(Base64UrlDecode(AtHash(JwsAlg::kES384, kAccess)).value().size(), 24u);
  // SHA-384("access-token-0123456789")'s first 24 bytes, computed elsewhere (Python's hashlib).
  EXPECT_EQ(AtHash(JwsAlg::kES384, kAccess), "Vg0VCWEd6fgbnuFKLJcnrJTLyKtAM6w3");
  // An ES384 token whose at_hash was made with SHA-256 is refused.
  Json claims = IdClaims(JwsAlg::kES384);
  claims["at_hash"] = AtHash(JwsAlg::kES256, kAccess);
  EXPECT_NE(IdRefusal(claims, JwsAlg::kES384).find("at_hash"), std::string::npos);
}

TEST_F(IdTokenCheckTest, RefusesEachWrongClaimSayingWhich) {
  auto with = [](const char* key, Json value) {
    Json c = IdClaims();
    c[key] = std::move(value);
    return c;
  };
  EXPECT_NE(IdRefusal(with("iss", "https://elsewhere.test")).find("another issuer"), std::string::npos);
  EXPECT_NE(IdRefusal(with("aud", "bank")).find("another client"), std::string::npos);
  EXPECT_EQ(IdRefusal(with("aud", Json::array({"bank", kClient}))), "");  // one of several audiences
  EXPECT_NE(IdRefusal(with("exp", kNow - 61)).find("expired"), std::string::npos);
  EXPECT_EQ(IdRefusal(with("exp", kNow - 59)), "");  // within the leeway
  EXPECT_NE(IdRefusal(with("iat", kNow + 61)).find("future"), std::string::npos);
  EXPECT_NE(IdRefusal(with("nonce", "n-2")).find("nonce"), std::string::npos);
  EXPECT_NE(IdRefusal(with("sub", "")).find("subject"), std::string::npos);
  EXPECT_NE(IdRefusal(with("at_hash", AtHash(JwsAlg::kES256, "another token"))).find("at_hash"), std::string::npos);
}

TEST_F(IdTokenCheckTest, RefusesASignatureNoKeyOfTheJwksMade) {
  // Another key under a kid the JWKS has, a kid it has not, and an empty JWKS.
  UniquePtr<EVP_PKEY> stranger = std::move(GenerateEcKey("P-256").value());
  std::string forged = SignJws(IdClaims(), stranger.get(), JwsAlg::kES256, "k256").value();
  EXPECT_NE(CheckIdToken(forged, jwks_, expected_, "n-1", kAccess).status().message().find("not signed by a key"),
            std::string::npos);
  EXPECT_FALSE(CheckIdToken(Sign(IdClaims(), JwsAlg::kES256, "k-unknown"), jwks_, expected_, "n-1", kAccess).ok());
  EXPECT_NE(
      CheckIdToken(Sign(IdClaims()), Json::object(), expected_, "n-1", kAccess).status().message().find("no keys"),
      std::string::npos);
  // The ES384 key's kid on an ES256 signature by the ES256 key: the kid's key does not fit.
  EXPECT_FALSE(CheckIdToken(Sign(IdClaims(), JwsAlg::kES256, "k384"), jwks_, expected_, "n-1", kAccess).ok());
}

TEST_F(IdTokenCheckTest, ALogoutTokenNeedsItsEventAndSidAndNoNonce) {
  EXPECT_EQ(LogoutRefusal(LogoutClaims()), "");
  Json c = LogoutClaims();
  c.erase("events");
  EXPECT_NE(LogoutRefusal(c).find("no back-channel logout event"), std::string::npos);
  c = LogoutClaims();
  c["nonce"] = "n-1";
  EXPECT_NE(LogoutRefusal(c).find("must not carry a nonce"), std::string::npos);
  c = LogoutClaims();
  c.erase("sid");
  EXPECT_NE(LogoutRefusal(c).find("sid"), std::string::npos);
  c = LogoutClaims();
  c["iat"] = kNow - 301;
  EXPECT_NE(LogoutRefusal(c).find("stale"), std::string::npos);
  c = LogoutClaims();
  c["aud"] = "bank";
  EXPECT_NE(LogoutRefusal(c).find("another client"), std::string::npos);
  // An ID token never passes as a logout token.
  EXPECT_FALSE(CheckLogoutToken(Sign(IdClaims()), jwks_, expected_).ok());
}

}  // namespace
}  // namespace riik::auth
