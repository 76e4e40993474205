// The portal's signings under way (portal/signings.h): one start of the same thing at a
// time, the sends that find it being started answered once it is, and bounds per person
// and in all that no one can fill for others.
#include "portal/signings.h"

#include <gtest/gtest.h>

namespace riik::portal {
namespace {

using namespace std::chrono_literals;

const std::string kFirst = "38001085718", kSecond = "48003125522";

class SigningsTest : public ::testing::Test {
 protected:
  Signings Make(Signings::Limits limits = Signings::Limits{}) {
    return Signings(limits, [this] { return now_; });
  }
  Signing Started(std::string session, std::string state = "waiting_for_certificate") {
    Signing s;
    s.session = std::move(session);
    s.shown.state = std::move(state);
    s.started = now_;
    return s;
  }
  static bool Always(const Signing&) { return true; }
  // What a claim came to: 1 the send holds it, 0 `otherwise` answers it, -1 refused.
  static int Outcome(const Result<bool>& claimed) { return !claimed.ok() ? -1 : *claimed ? 1 : 0; }

  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point() + 1h;
};

TEST_F(SigningsTest, ASecondSendGoesOnWithTheStartUnderWayOnceItIsAnswered) {
  Signings signings = Make();
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] { FAIL() << "the first send holds the claim"; })), 1);
  int answered = 0;
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [&] { ++answered; })), 0);
  EXPECT_EQ(answered, 0) << "answered before the start was";
  // Another person, or another thing of the same person's, is not held up.
  EXPECT_EQ(Outcome(signings.Claim(kSecond, "tax", Always, [] {})), 1);
  EXPECT_EQ(Outcome(signings.Claim(kFirst, "doc:1", Always, [] {})), 1);
  ASSERT_TRUE(signings.Set(kFirst, "tax", Started("s1")));
  EXPECT_EQ(answered, 1);
  // Under way now: a send goes on with it at once, unless `goes_on` says it is another.
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [&] { ++answered; })), 0);
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(Outcome(signings.Claim(
                kFirst, "tax", [](const Signing&) { return false; }, [] {})),
            1);
}

TEST_F(SigningsTest, AStartThatDidNotComeAboutEndsItsClaim) {
  Signings signings = Make();
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "vote", Always, [] {})), 1);
  int answered = 0;
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "vote", Always, [&] { ++answered; })), 0);
  signings.EndClaim(kFirst, "vote");
  EXPECT_EQ(answered, 1);
  EXPECT_FALSE(signings.Find(kFirst, "vote"));
  EXPECT_EQ(Outcome(signings.Claim(kFirst, "vote", Always, [] {})), 1) << "the claim outlived its start";
}

TEST_F(SigningsTest, AtMostSoManySendsWaitForOneStart) {
  Signings signings = Make({.claim_waiters = 2});
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] {})), 1);
  int answered = 0;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [&] { ++answered; })), 0);
  EXPECT_EQ(answered, 1) << "the third was not answered at once";
  signings.EndClaim(kFirst, "tax");
  EXPECT_EQ(answered, 3);
}

TEST_F(SigningsTest, OnePersonCannotHoldMoreThanTheirShareAndTheirEndedOnesMakeRoom) {
  Signings signings = Make({.per_person = 3});
  for (std::string doc : {"doc:1", "doc:2"}) {
    ASSERT_EQ(Outcome(signings.Claim(kFirst, doc, Always, [] {})), 1);
    ASSERT_TRUE(signings.Set(kFirst, doc, Started("s-" + doc)));
  }
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "doc:3", Always, [] {})), 1);  // being started counts too
  Result<bool> fourth = signings.Claim(kFirst, "doc:4", Always, [] {});
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Outcome(signings.Claim(kSecond, "doc:4", Always, [] {})), 1) << "another person was held up";
  // Signing again what the person holds takes its place.
  EXPECT_EQ(Outcome(signings.Claim(
                kFirst, "doc:1", [](const Signing&) { return false; }, [] {})),
            1);
  signings.EndClaim(kFirst, "doc:1");
  // One of theirs ended: it makes room (and is gone).
  ASSERT_TRUE(signings.Update(kFirst, "doc:2", "s-doc:2", [](Signing& s) {
    s.shown.state = "refused";
    return true;
  }));
  EXPECT_EQ(Outcome(signings.Claim(kFirst, "doc:4", Always, [] {})), 1);
  EXPECT_FALSE(signings.Find(kFirst, "doc:2"));
  EXPECT_TRUE(signings.Find(kFirst, "doc:1"));
}

TEST_F(SigningsTest, AFullPortalRefusesBeforeTheAppIsAskedUntilLivesAreOver) {
  Signings signings = Make({.in_all = 2, .lifetime = 10min});
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] {})), 1);
  ASSERT_TRUE(signings.Set(kFirst, "tax", Started("s1")));
  ASSERT_EQ(Outcome(signings.Claim(kSecond, "tax", Always, [] {})), 1);
  Result<bool> third = signings.Claim("49002124277", "tax", Always, [] {});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), Code::kResourceExhausted);
  // A start answered takes its claim's place: a claim held room for it.
  ASSERT_TRUE(signings.Set(kSecond, "tax", Started("s2")));
  now_ += 10min + 1s;  // both lives over: a claim's room check drops them (no look-up does first)
  EXPECT_EQ(Outcome(signings.Claim("49002124277", "tax", Always, [] {})), 1);
  EXPECT_EQ(signings.size(), 0u) << "the two whose lives were over are still held";
}

TEST_F(SigningsTest, AnEndedOrExpiredSigningIsNotGoneOnWith) {
  Signings signings = Make();
  ASSERT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] {})), 1);
  ASSERT_TRUE(signings.Set(kFirst, "tax", Started("s1", "submitted")));
  EXPECT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] {})), 1);
  ASSERT_TRUE(signings.Set(kFirst, "tax", Started("s2")));
  EXPECT_FALSE(signings.Update(kFirst, "tax", "s1", [](Signing&) { return true; })) << "an older session wrote";
  now_ += 11min;
  EXPECT_EQ(Outcome(signings.Claim(kFirst, "tax", Always, [] {})), 1);
}

}  // namespace
}  // namespace riik::portal
