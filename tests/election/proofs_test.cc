// Schnorr, Chaum–Pedersen and range proofs: each holds when honest, and fails for
// another statement, another election or context, a changed field, or a cheating prover.
#include <gtest/gtest.h>

#include "election/equality_proof.h"
#include "election/fast_check.h"
#include "election/range_proof.h"
#include "election/schnorr_proof.h"

namespace riik::election {
namespace {

const std::string kElection(32, '\x01');
const std::string kOther(32, '\x02');

TEST(SchnorrProofTest, HoldsOnlyForItsKeyElectionAndContext) {
  const Scalar x = Scalar::Random();
  const Point x_g = BaseTimes(x);
  SchnorrProof proof = ProveKnowledge(kElection, "trustee 1 coefficient 0", x, x_g);
  EXPECT_TRUE(VerifyKnowledge(kElection, "trustee 1 coefficient 0", x_g, proof).ok());
  EXPECT_FALSE(VerifyKnowledge(kOther, "trustee 1 coefficient 0", x_g, proof).ok());
  EXPECT_FALSE(VerifyKnowledge(kElection, "trustee 2 coefficient 0", x_g, proof).ok());
  EXPECT_FALSE(VerifyKnowledge(kElection, "trustee 1 coefficient 0", BaseTimes(Scalar::Random()), proof).ok());
  SchnorrProof changed = proof;
  changed.response = changed.response + Scalar::FromInt(1);
  EXPECT_NE(VerifyKnowledge(kElection, "trustee 1 coefficient 0", x_g, changed).message().find("does not hold"),
            std::string::npos);
  changed = proof;
  changed.commitment = changed.commitment + Point::Generator();
  EXPECT_FALSE(VerifyKnowledge(kElection, "trustee 1 coefficient 0", x_g, changed).ok());
  // Over the identity, never.
  EXPECT_FALSE(VerifyKnowledge(kElection, "c", Point::Identity(), proof).ok());
}

TEST(EqualityProofTest, HoldsOnlyWhenBothLogsAreTheSame) {
  const Scalar x = Scalar::Random();
  const Point x_g = BaseTimes(x);
  const Point alpha = BaseTimes(Scalar::Random());
  const Point d = x * alpha;
  EqualityProof proof = ProveEqualLogs(kElection, "option 3", x, x_g, alpha, d);
  EXPECT_TRUE(VerifyEqualLogs(kElection, "option 3", x_g, alpha, d, proof).ok());
  EXPECT_FALSE(VerifyEqualLogs(kElection, "option 4", x_g, alpha, d, proof).ok());
  EXPECT_FALSE(VerifyEqualLogs(kOther, "option 3", x_g, alpha, d, proof).ok());
  // A decryption share made with another key, proven with the right one: fails.
  const Point wrong = Scalar::Random() * alpha;
  EqualityProof lying = ProveEqualLogs(kElection, "option 3", x, x_g, alpha, wrong);
  EXPECT_NE(VerifyEqualLogs(kElection, "option 3", x_g, alpha, wrong, lying).message().find("decryption share"),
            std::string::npos);
  // The right share with its proof moved to another ciphertext: fails.
  const Point other_alpha = BaseTimes(Scalar::Random());
  EXPECT_FALSE(VerifyEqualLogs(kElection, "option 3", x_g, other_alpha, x * other_alpha, proof).ok());
  EqualityProof changed = proof;
  changed.b = changed.b + Point::Generator();
  EXPECT_FALSE(VerifyEqualLogs(kElection, "option 3", x_g, alpha, d, changed).ok());
}

class RangeProofTest : public ::testing::Test {
 protected:
  Point key_ = BaseTimes(Scalar::Random());
};

TEST_F(RangeProofTest, ASelectionOfZeroOrOneProvesAndVerifies) {
  for (uint64_t m : {0u, 1u}) {
    const Scalar r = Scalar::Random();
    const Ciphertext c = Encrypt(key_, m, r);
    auto proof = ProveRange(kElection, "voter 7 contest 1 option 2", key_, c, m, r, 0, 1);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(proof->branches.size(), 2u);
    RangeProof copy = *proof;
    EXPECT_TRUE(VerifyRange(kElection, "voter 7 contest 1 option 2", key_, c, 0, 1, copy).ok()) << m;
    copy = *proof;
    EXPECT_FALSE(VerifyRange(kElection, "voter 8 contest 1 option 2", key_, c, 0, 1, copy).ok());
    copy = *proof;
    EXPECT_FALSE(VerifyRange(kOther, "voter 7 contest 1 option 2", key_, c, 0, 1, copy).ok());
    copy = *proof;
    EXPECT_FALSE(VerifyRange(kElection, "voter 7 contest 1 option 2", BaseTimes(Scalar::Random()), c, 0, 1, copy).ok());
  }
}

TEST_F(RangeProofTest, ATotalWithinTheContestsLimits) {
  const Scalar r = Scalar::Random();
  const Ciphertext c = Encrypt(key_, 2, r);
  auto proof = ProveRange(kElection, "total", key_, c, 2, r, 1, 3);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyRange(kElection, "total", key_, c, 1, 3, *proof).ok());
  // Checked against other limits, it does not hold.
  EXPECT_FALSE(VerifyRange(kElection, "total", key_, c, 0, 2, *proof).ok());
  EXPECT_NE(VerifyRange(kElection, "total", key_, c, 1, 4, *proof).message().find("branches"), std::string::npos);
  // Exactly one.
  const Ciphertext one = Encrypt(key_, 1, r);
  auto exact = ProveRange(kElection, "total", key_, one, 1, r, 1, 1);
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(VerifyRange(kElection, "total", key_, one, 1, 1, *exact).ok());
}

TEST_F(RangeProofTest, AnHonestProverCannotProveACountOutsideTheRange) {
  const Scalar r = Scalar::Random();
  const Ciphertext two = Encrypt(key_, 2, r);
  EXPECT_NE(ProveRange(kElection, "x", key_, two, 2, r, 0, 1).status().message().find("outside"), std::string::npos);
  EXPECT_FALSE(ProveRange(kElection, "x", key_, two, 2, r, 3, 1).ok());
  EXPECT_NE(ProveRange(kElection, "x", key_, two, 2, r, 0, kMaxRangeBranches).status().message().find("more than"),
            std::string::npos);
}

TEST_F(RangeProofTest, ACheatingProverIsCaught) {
  const Scalar r = Scalar::Random();
  const Ciphertext two = Encrypt(key_, 2, r);
  // A proof for a 1, attached to a ciphertext of 2 made with the same randomness.
  const Ciphertext one = Encrypt(key_, 1, r);
  auto for_one = ProveRange(kElection, "x", key_, one, 1, r, 0, 1);
  ASSERT_TRUE(for_one.ok());
  EXPECT_FALSE(VerifyRange(kElection, "x", key_, two, 0, 1, *for_one).ok());
  // Both branches simulated (no true one to answer): the challenges do not add up.
  RangeProof forged;
  forged.branches.resize(2);
  for (uint64_t j = 0; j < 2; ++j) {
    auto& b = forged.branches[j];
    b.challenge = Scalar::Random();
    b.response = Scalar::Random();
    b.a = BaseTimes(b.response) - b.challenge * two.alpha;
    b.b = b.response * key_ - b.challenge * (two.beta - BaseTimes(j));
  }
  EXPECT_NE(VerifyRange(kElection, "x", key_, two, 0, 1, forged).message().find("does not hold"), std::string::npos);
}

TEST_F(RangeProofTest, EveryFieldOfTheProofMatters) {
  const Scalar r = Scalar::Random();
  const Ciphertext c = Encrypt(key_, 1, r);
  auto proof = ProveRange(kElection, "x", key_, c, 1, r, 0, 1);
  ASSERT_TRUE(proof.ok());
  for (size_t k = 0; k < 2; ++k) {
    for (int field = 0; field < 4; ++field) {
      if (field == 3 && k == 1) continue;  // the last challenge is derived, not carried
      RangeProof changed = *proof;
      auto& b = changed.branches[k];
      switch (field) {
        case 0:
          b.a = b.a + Point::Generator();
          break;
        case 1:
          b.b = b.b + Point::Generator();
          break;
        case 2:
          b.response = b.response + Scalar::FromInt(1);
          break;
        case 3:
          b.challenge = b.challenge + Scalar::FromInt(1);
          break;
      }
      EXPECT_FALSE(VerifyRange(kElection, "x", key_, c, 0, 1, changed).ok()) << k << " " << field;
    }
  }
  // The ciphertext's halves too.
  RangeProof copy = *proof;
  EXPECT_FALSE(VerifyRange(kElection, "x", key_, {c.alpha + Point::Generator(), c.beta}, 0, 1, copy).ok());
  copy = *proof;
  EXPECT_FALSE(VerifyRange(kElection, "x", key_, {c.alpha, c.beta + Point::Generator()}, 0, 1, copy).ok());
}

}  // namespace
}  // namespace riik::election

namespace riik::election {
namespace {

// libdecaf's fast relations against libsodium's arithmetic: the same answers, true and false.
TEST(FastCheckTest, AgreesWithLibsodiumOnTrueAndFalseRelations) {
  for (int round = 0; round < 20; ++round) {
    const Scalar z = Scalar::Random(), c = Scalar::Random(), x = Scalar::Random();
    const Point big_x = BaseTimes(x);
    const Point a = BaseTimes(z) - c * big_x;  // z·G = a + c·X holds
    EXPECT_TRUE(BaseRelationHolds(z, a, c, big_x));
    EXPECT_FALSE(BaseRelationHolds(z, a + Point::Generator(), c, big_x));
    EXPECT_FALSE(BaseRelationHolds(z + Scalar::FromInt(1), a, c, big_x));
    const Point base = BaseTimes(Scalar::Random());
    const Point d = x * base;
    const Point b = z * base - c * d;  // z·A = b + c·D holds
    EXPECT_TRUE(PairRelationHolds(z, base, b, c, d));
    EXPECT_FALSE(PairRelationHolds(z, base, b, c, d + Point::Generator()));
    const Point key = BaseTimes(Scalar::Random());
    const Scalar r = Scalar::Random(), v = Scalar::Random();
    const uint64_t j = static_cast<uint64_t>(round % 3);
    const Ciphertext ct = Encrypt(key, j, r);
    const Point ra = BaseTimes(v) - c * ct.alpha;
    const Point rb = v * key - c * (ct.beta - BaseTimes(j));
    EXPECT_TRUE(RangeBranchHolds(v, c, j, key, ct.alpha, ct.beta, ra, rb));
    EXPECT_FALSE(RangeBranchHolds(v, c, j + 1, key, ct.alpha, ct.beta, ra, rb));
    EXPECT_FALSE(RangeBranchHolds(v, c, j, BaseTimes(Scalar::Random()), ct.alpha, ct.beta, ra, rb));
  }
  // The identity takes part like any element.
  EXPECT_TRUE(BaseRelationHolds(Scalar(), Point::Identity(), Scalar::FromInt(5), Point::Identity()));
}

}  // namespace
}  // namespace riik::election

namespace riik::election {
namespace {

TEST(FastCheckTest, PointSumsAgreeWithLibsodium) {
  PointSum sum;
  Point expected;
  EXPECT_TRUE(sum.Total().IsIdentity());
  for (int i = 0; i < 50; ++i) {
    const Point p = i % 7 == 0 ? Point::Identity() : BaseTimes(Scalar::Random());
    sum.Add(p);
    expected = expected + p;
  }
  EXPECT_EQ(sum.Total(), expected);
  PointSum cancel;
  cancel.Add(expected);
  cancel.Add(Point::Identity() - expected);
  EXPECT_TRUE(cancel.Total().IsIdentity());
}

}  // namespace
}  // namespace riik::election
