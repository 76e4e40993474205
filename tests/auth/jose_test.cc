// JWS and JWK (auth/jose.h), base64url, ECDSA r||s conversions.
#include "auth/jose.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace riik::auth {
namespace {

UniquePtr<EVP_PKEY> Key(JwsAlg alg) {
  if (alg == JwsAlg::kRS256) return UniquePtr<EVP_PKEY>(EVP_RSA_gen(2048));
  return std::move(GenerateEcKey(alg == JwsAlg::kES256 ? "P-256" : "P-384").value());
}

TEST(Base64UrlTest, RoundTripsAndRefusesOtherSpellings) {
  std::string bytes("\xfb\xff\x00\x01", 4);
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8AAQ");
  EXPECT_EQ(Base64UrlDecode("-_8AAQ").value(), bytes);
  EXPECT_FALSE(Base64UrlDecode("-_8AAQ==").ok());  // padding
  EXPECT_FALSE(Base64UrlDecode("+/8AAQ").ok());    // the standard alphabet
  EXPECT_FALSE(Base64UrlDecode("-_8AAR").ok());    // stray bits in the last character
  EXPECT_FALSE(Base64UrlDecode("A").ok());         // an impossible length
}

TEST(JwsTest, SignsAndVerifiesEachAlgorithm) {
  for (JwsAlg alg : {JwsAlg::kES256, JwsAlg::kES384, JwsAlg::kRS256}) {
    UniquePtr<EVP_PKEY> key = Key(alg);
    auto token = SignJws(Json{{"sub", "EE38001085718"}}, key.get(), alg, "k1");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    auto jws = ParseJws(*token);
    ASSERT_TRUE(jws.ok()) << jws.status().ToString();
    EXPECT_EQ(jws->alg, alg);
    EXPECT_EQ(jws->kid, "k1");
    EXPECT_EQ(jws->payload["sub"], "EE38001085718");
    EXPECT_TRUE(VerifyJws(*jws, key.get()).value()) << JwsAlgName(alg);
    // Another key of the same kind, and a changed payload, do not verify.
    UniquePtr<EVP_PKEY> other = Key(alg);
    EXPECT_FALSE(VerifyJws(*jws, other.get()).value());
    jws->signing_input[jws->signing_input.size() - 2] ^= 1;
    EXPECT_FALSE(VerifyJws(*jws, key.get()).value());
  }
}

TEST(JwsTest, RefusesUnsignedSharedSecretAndMalformedTokens) {
  std::string header_none = Base64UrlEncode(R"({"alg":"none"})");
  std::string header_hs = Base64UrlEncode(R"({"alg":"HS256"})");
  std::string payload = Base64UrlEncode(R"({"sub":"x"})");
  EXPECT_NE(ParseJws(header_none + "." + payload + ".").status().message().find("none"), std::string::npos);
  EXPECT_NE(ParseJws(header_hs + "." + payload + ".c2ln").status().message().find("HS256"), std::string::npos);
  EXPECT_FALSE(ParseJws("a.b").ok());
  EXPECT_FALSE(ParseJws("a.b.c.d").ok());
  EXPECT_FALSE(ParseJws(Base64UrlEncode(R"({"alg":"ES256","crit":["x"]})") + "." + payload + ".c2ln").ok());
  EXPECT_FALSE(ParseJws(Base64UrlEncode("[1]") + "." + payload + ".c2ln").ok());
  EXPECT_FALSE(ParseJws(std::string(kMaxJwsBytes + 1, 'a')).ok());
}

TEST(JwsTest, AKeyOfTheWrongKindNeitherSignsNorVerifies) {
  UniquePtr<EVP_PKEY> p384 = Key(JwsAlg::kES384);
  EXPECT_FALSE(SignJws(Json::object(), p384.get(), JwsAlg::kES256, "").ok());
  UniquePtr<EVP_PKEY> p256 = Key(JwsAlg::kES256);
  auto token = SignJws(Json::object(), p256.get(), JwsAlg::kES256, "");
  auto jws = ParseJws(*token);
  EXPECT_FALSE(VerifyJws(*jws, p384.get()).value());
}

TEST(JwkTest, PublicKeysRoundTrip) {
  for (JwsAlg alg : {JwsAlg::kES256, JwsAlg::kES384, JwsAlg::kRS256}) {
    UniquePtr<EVP_PKEY> key = Key(alg);
    auto jwk = PublicJwk(key.get(), "kid-1", alg);
    ASSERT_TRUE(jwk.ok());
    EXPECT_EQ((*jwk)["kid"], "kid-1");
    EXPECT_EQ((*jwk)["use"], "sig");
    EXPECT_FALSE(jwk->contains("d"));  // never the private part
    auto back = KeyFromJwk(*jwk);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(EVP_PKEY_eq(key.get(), back->get()), 1) << JwsAlgName(alg);
  }
}

TEST(JwkTest, RefusesPointsOffTheCurveAndOddSizes) {
  UniquePtr<EVP_PKEY> key = Key(JwsAlg::kES256);
  Json jwk = PublicJwk(key.get(), "k", JwsAlg::kES256).value();
  Json off = jwk;
  std::string y = Base64UrlDecode(off["y"].get<std::string>()).value();
  y[31] ^= 1;
  off["y"] = Base64UrlEncode(y);
  EXPECT_FALSE(KeyFromJwk(off).ok());
  Json short_x = jwk;
  short_x["x"] = Base64UrlEncode(std::string(31, 'x'));
  EXPECT_FALSE(KeyFromJwk(short_x).ok());
  Json unknown = jwk;
  unknown["crv"] = "P-521";
  EXPECT_FALSE(KeyFromJwk(unknown).ok());
  EXPECT_FALSE(KeyFromJwk(Json{{"kty", "oct"}, {"k", "c2VjcmV0"}}).ok());
  // RSA under 2048 bits.
  Json small_rsa = {{"kty", "RSA"}, {"n", Base64UrlEncode(std::string(128, '\xc1'))}, {"e", "AQAB"}};
  EXPECT_FALSE(KeyFromJwk(small_rsa).ok());
}

TEST(EcdsaEncodingTest, RawAndDerAgreeWithLeadingZeros) {
  // r with a leading zero byte and s with two: the DER integers drop them, r||s keeps them.
  std::string raw(64, '\x11');
  raw[0] = '\0';
  raw[32] = '\0';
  raw[33] = '\0';
  auto der = EcdsaRawToDer(raw);
  ASSERT_TRUE(der.ok());
  auto back = EcdsaDerToRaw(*der, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(EcdsaRawToDer(std::string(63, '\x01')).ok());
  EXPECT_FALSE(EcdsaDerToRaw("\x30\x00garbage", 32).ok());
}

}  // namespace
}  // namespace riik::auth
