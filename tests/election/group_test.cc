// ristretto255 through riik's wrappers: RFC 9496's vectors, refused encodings, the
// identity's corner cases, ElGamal and the small discrete logarithm.
#include "election/group.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "election/discrete_log.h"
#include "election/elgamal.h"

namespace riik::election {
namespace {

std::string Hex(std::string_view s) { return HexEncode(s); }
std::string Unhex(std::string_view hex) { return *HexDecode(hex); }

TEST(GroupTest, MultiplesOfTheGeneratorAreRfc9496s) {
  // RFC 9496, appendix A.1: the encodings of 0·B … 3·B.
  EXPECT_EQ(Hex(BaseTimes(uint64_t{0}).Bytes()), std::string(64, '0'));
  EXPECT_EQ(Hex(Point::Generator().Bytes()), "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
  EXPECT_EQ(Hex(BaseTimes(uint64_t{2}).Bytes()), "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919");
  EXPECT_EQ(Hex((Point::Generator() + BaseTimes(uint64_t{2})).Bytes()),
            "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259");
}

TEST(GroupTest, BadEncodingsAreRefusedWithAReason) {
  // RFC 9496, appendix A.2: non-canonical and negative field elements, and a point
  // whose decoding fails.
  for (const char* bad : {"00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "0100000000000000000000000000000000000000000000000000000000000000",
                          "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"}) {
    auto p = DecodePoint(Unhex(bad));
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().message().find("not a canonical"), std::string::npos);
  }
  // The generator's encoding with its top bit set: the same element to libsodium 1.0.18,
  // which does not check that bit, but not a canonical encoding (fuzz_ballot found it,
  // and libdecaf's batch checks refuse it).
  std::string high(Point::Generator().Bytes());
  high[31] = static_cast<char>(high[31] | 0x80);
  EXPECT_NE(DecodePoint(high).status().message().find("not a canonical"), std::string::npos);
  EXPECT_NE(DecodePoint("short").status().message().find("32 bytes"), std::string::npos);
  // The identity: refused unless the caller allows it.
  const std::string zero(32, '\0');
  EXPECT_NE(DecodePoint(zero).status().message().find("identity"), std::string::npos);
  EXPECT_TRUE(DecodePoint(zero, /*allow_identity=*/true).ok());
  auto g = DecodePoint(Point::Generator().Bytes());
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, Point::Generator());
}

TEST(GroupTest, ScalarsMustBeBelowTheOrder) {
  // L itself, and 2^256 − 1: not canonical. L − 1: fine.
  const std::string l = Unhex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  EXPECT_NE(DecodeScalar(l).status().message().find("not below the group order"), std::string::npos);
  EXPECT_FALSE(DecodeScalar(std::string(32, '\xff')).ok());
  std::string l_minus_1 = l;
  l_minus_1[0] = static_cast<char>(0xec);
  auto s = DecodeScalar(l_minus_1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s + Scalar::FromInt(1), Scalar());
  EXPECT_FALSE(DecodeScalar("").ok());
}

TEST(GroupTest, ArithmeticAgreesWithItself) {
  const Scalar a = Scalar::Random(), b = Scalar::Random();
  EXPECT_EQ(BaseTimes(a + b), BaseTimes(a) + BaseTimes(b));
  EXPECT_EQ(BaseTimes(a - b), BaseTimes(a) - BaseTimes(b));
  EXPECT_EQ(a * BaseTimes(b), BaseTimes(a * b));
  EXPECT_EQ(BaseTimes(-a) + BaseTimes(a), Point::Identity());
  auto inv = a.Inverse();
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(*inv * a, Scalar::FromInt(1));
  EXPECT_FALSE(Scalar().Inverse().ok());
  // The identity's corners: 0·P and k·O are O, P + O = P, P − P = O.
  const Point p = BaseTimes(a);
  EXPECT_TRUE((Scalar() * p).IsIdentity());
  EXPECT_TRUE((b * Point::Identity()).IsIdentity());
  EXPECT_EQ(p + Point::Identity(), p);
  EXPECT_TRUE((p - p).IsIdentity());
}

TEST(GroupTest, ElGamalAddsCountsAndOpensWithItsRandomness) {
  const Scalar secret = Scalar::Random();
  const Point key = BaseTimes(secret);
  const Scalar r1 = Scalar::Random(), r2 = Scalar::Random();
  const Ciphertext one = Encrypt(key, 1, r1), two = Encrypt(key, 2, r2);
  EXPECT_EQ(OpenWithRandomness(one, key, r1, 10), 1u);
  EXPECT_EQ(OpenWithRandomness(two, key, r2, 10), 2u);
  EXPECT_EQ(OpenWithRandomness(two, key, r1, 10), std::nullopt);  // not its randomness
  EXPECT_EQ(OpenWithRandomness(two, key, r2, 1), std::nullopt);   // above the bound
  EXPECT_EQ(OpenWithRandomness(one + two, key, r1 + r2, 10), 3u);
  // With the secret key: β − x·α = 3·G.
  const Ciphertext sum = one + two;
  EXPECT_EQ(sum.beta - secret * sum.alpha, BaseTimes(uint64_t{3}));
  // The same count twice encrypts differently.
  EXPECT_FALSE(Encrypt(key, 1, Scalar::Random()) == Encrypt(key, 1, Scalar::Random()));
}

TEST(GroupTest, SmallDiscreteLogsUpToTheBound) {
  for (uint64_t m : {0ull, 1ull, 2ull, 999ull, 1000ull, 1001ull, 123456ull, 1000000ull}) {
    auto found = SmallDiscreteLog(BaseTimes(m), 1000000);
    ASSERT_TRUE(found.ok()) << m << ": " << found.status().message();
    EXPECT_EQ(*found, m);
  }
  EXPECT_EQ(SmallDiscreteLog(BaseTimes(uint64_t{1000001}), 1000000).status().code(), Code::kNotFound);
  EXPECT_EQ(SmallDiscreteLog(BaseTimes(Scalar::Random()), 1000).status().code(), Code::kNotFound);
  EXPECT_EQ(*SmallDiscreteLog(BaseTimes(uint64_t{7}), 7), 7u);
  EXPECT_EQ(*SmallDiscreteLog(Point::Identity(), 0), 0u);
}

}  // namespace
}  // namespace riik::election
