// A 3-of-5 key ceremony, a tally decrypted by different sets of three trustees, and each
// kind of cheating trustee caught.
#include <gtest/gtest.h>

#include <algorithm>

#include "election/decryption.h"
#include "election/discrete_log.h"
#include "election/key_ceremony.h"

namespace riik::election {
namespace {

const std::string kCeremonyElection(32, '\x05');
constexpr uint32_t kTrustees = 5, kThreshold = 3;

class CeremonyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CheckThreshold(kTrustees, kThreshold).ok());
    for (uint32_t i = 1; i <= kTrustees; ++i) {
      polynomials_.push_back(NewPolynomial(kThreshold));
      published_.push_back(Commit(kCeremonyElection, i, polynomials_.back()));
    }
    // Each trustee checks what every other published and the share each sent it.
    for (uint32_t j = 1; j <= kTrustees; ++j) {
      Scalar share;
      for (uint32_t i = 1; i <= kTrustees; ++i) {
        ASSERT_TRUE(VerifyCommitments(kCeremonyElection, kThreshold, published_[i - 1]).ok());
        const Scalar from_i = polynomials_[i - 1].At(j);
        ASSERT_TRUE(VerifyShare(published_[i - 1], j, from_i).ok());
        share = share + from_i;
      }
      key_shares_.push_back(share);
    }
    key_ = ElectionKey(published_);
  }

  // The sum of `votes` encrypted one by one, as the tally adds up ballots.
  Ciphertext Tally(const std::vector<uint64_t>& votes) {
    Ciphertext sum{Point::Identity(), Point::Identity()};
    for (uint64_t v : votes) sum = sum + Encrypt(key_, v, Scalar::Random());
    return sum;
  }

  std::vector<DecryptionPart> Parts(const Ciphertext& c, const std::vector<uint32_t>& who) {
    std::vector<DecryptionPart> parts;
    for (uint32_t j : who) {
      parts.push_back(DecryptPart(kCeremonyElection, "option 1", j, key_shares_[j - 1], PublicShare(published_, j), c));
    }
    return parts;
  }

  std::vector<Polynomial> polynomials_;
  std::vector<TrusteeCommitments> published_;
  std::vector<Scalar> key_shares_;
  Point key_;
};

TEST_F(CeremonyTest, PublicSharesAndTheKeyFollowFromTheCommitments) {
  Scalar secret;  // assembled here only to check the algebra; a ceremony never does this
  for (const auto& f : polynomials_) secret = secret + f.coefficients[0];
  EXPECT_EQ(key_, BaseTimes(secret));
  for (uint32_t j = 1; j <= kTrustees; ++j) EXPECT_EQ(PublicShare(published_, j), BaseTimes(key_shares_[j - 1]));
}

TEST_F(CeremonyTest, AnyThreeTrusteesDecryptTheSameTally) {
  const std::vector<uint64_t> votes = {1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1};
  const Ciphertext tally = Tally(votes);
  for (const std::vector<uint32_t>& who :
       std::vector<std::vector<uint32_t>>{{1, 2, 3}, {1, 3, 5}, {5, 4, 2}, {1, 2, 3, 4, 5}}) {
    auto parts = Parts(tally, who);
    for (const auto& p : parts) {
      EXPECT_TRUE(VerifyPart(kCeremonyElection, "option 1", PublicShare(published_, p.trustee), tally, p).ok());
    }
    auto mg = CombineParts(tally, parts);
    ASSERT_TRUE(mg.ok());
    auto count = SmallDiscreteLog(*mg, votes.size());
    ASSERT_TRUE(count.ok()) << count.status().message();
    EXPECT_EQ(*count, 7u);
  }
}

TEST_F(CeremonyTest, TwoTrusteesAreNotEnough) {
  const Ciphertext tally = Tally({1, 1, 0});
  auto mg = CombineParts(tally, Parts(tally, {2, 4}));
  ASSERT_TRUE(mg.ok());
  EXPECT_NE(*mg, BaseTimes(uint64_t{2}));
}

TEST_F(CeremonyTest, AWrongShareIsFoundByItsRecipient) {
  const Scalar honest = polynomials_[1].At(4);
  auto refused = VerifyShare(published_[1], 4, honest + Scalar::FromInt(1));
  EXPECT_NE(refused.message().find("trustee 2 gave trustee 4"), std::string::npos) << refused.message();
  // The right share, claimed for another recipient: also refused.
  EXPECT_FALSE(VerifyShare(published_[1], 3, honest).ok());
}

TEST_F(CeremonyTest, CommitmentsWithoutKnowledgeOrOfTheWrongDegreeAreRefused) {
  TrusteeCommitments c = published_[2];
  c.commitments[1] = BaseTimes(Scalar::Random());  // a commitment whose proof is another's
  EXPECT_NE(VerifyCommitments(kCeremonyElection, kThreshold, c).message().find("trustee 3's commitment 1"),
            std::string::npos);
  c = published_[2];
  c.commitments.pop_back();
  c.proofs.pop_back();
  EXPECT_FALSE(VerifyCommitments(kCeremonyElection, kThreshold, c).ok());
  // Proofs made for trustee 3 do not pass as trustee 4's.
  c = published_[2];
  c.trustee = 4;
  EXPECT_FALSE(VerifyCommitments(kCeremonyElection, kThreshold, c).ok());
  EXPECT_FALSE(VerifyCommitments(std::string(32, '\x06'), kThreshold, published_[2]).ok());
}

TEST_F(CeremonyTest, AWrongDecryptionPartIsCaughtByItsProof) {
  const Ciphertext tally = Tally({1, 0, 1});
  auto parts = Parts(tally, {1, 2, 3});
  // Trustee 2 publishes a part made with another share (a corrupted tally server), with
  // a proof made over it: the proof fails against trustee 2's public share.
  const Scalar other = key_shares_[1] + Scalar::FromInt(1);
  DecryptionPart lying = DecryptPart(kCeremonyElection, "option 1", 2, other, PublicShare(published_, 2), tally);
  auto st = VerifyPart(kCeremonyElection, "option 1", PublicShare(published_, 2), tally, lying);
  EXPECT_NE(st.message().find("trustee 2's decryption"), std::string::npos) << st.message();
  // Its honest part for another option's ciphertext does not pass for this one.
  EXPECT_FALSE(VerifyPart(kCeremonyElection, "option 2", PublicShare(published_, 2), tally, parts[1]).ok());
}

TEST_F(CeremonyTest, LagrangeWeightsNeedDistinctNumberedTrustees) {
  const std::vector<uint32_t> present = {1, 3, 5};
  EXPECT_TRUE(LagrangeAtZero(3, present).ok());
  EXPECT_FALSE(LagrangeAtZero(2, present).ok());
  const std::vector<uint32_t> repeated = {1, 3, 3};
  EXPECT_NE(LagrangeAtZero(1, repeated).status().message().find("twice"), std::string::npos);
  const std::vector<uint32_t> zero = {0, 1, 2};
  EXPECT_FALSE(LagrangeAtZero(1, zero).ok());
  // The weights at zero add up to 1 (f(x) = 1 is interpolated exactly).
  Scalar sum;
  for (uint32_t j : present) sum = sum + *LagrangeAtZero(j, present);
  EXPECT_EQ(sum, Scalar::FromInt(1));
  EXPECT_FALSE(CheckThreshold(5, 0).ok());
  EXPECT_FALSE(CheckThreshold(5, 6).ok());
  EXPECT_FALSE(CheckThreshold(kMaxTrustees + 1, 2).ok());
}

}  // namespace
}  // namespace riik::election
