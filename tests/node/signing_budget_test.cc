// What remote signing may hold at once (node/roles/signing_budget.h): the caps (in all,
// per member, per person of a member's) count only sessions under way, a finished one
// keeps its container within the byte budget, and every session is forgotten when its
// life is over.
#include "node/roles/signing_budget.h"

#include <gtest/gtest.h>

namespace riik::node {
namespace {

using std::chrono::seconds;

class SigningBudgetTest : public ::testing::Test {
 protected:
  SigningBudget::Limits Limits() {
    SigningBudget::Limits l;
    l.under_way = 3;
    l.per_caller = 2;
    l.kept_bytes = 100;
    l.answer_within = seconds(300);
    l.lifetime = seconds(600);
    return l;
  }
  SigningBudget::Clock::time_point t0_ = SigningBudget::Clock::now();
};

TEST_F(SigningBudgetTest, CapsCountOnlySessionsUnderWay) {
  SigningBudget b(Limits());
  ASSERT_TRUE(b.Reserve("a1", "portal", "person-a1", t0_).ok());
  ASSERT_TRUE(b.Reserve("a2", "portal", "person-a2", t0_).ok());
  // The member's two places are taken; another member still has one of the three.
  EXPECT_EQ(b.Reserve("a3", "portal", "person-a3", t0_).code(), Code::kResourceExhausted);
  ASSERT_TRUE(b.Reserve("t1", "tax", "person-t1", t0_).ok());
  EXPECT_EQ(b.Reserve("t2", "tax", "person-t2", t0_).code(), Code::kResourceExhausted);
  // A finished session frees its place, though it is kept for collection.
  b.Finish("a1", 10);
  EXPECT_TRUE(b.Holds("a1"));
  EXPECT_EQ(b.under_way(), 2u);
  EXPECT_TRUE(b.Reserve("a3", "portal", "person-a3", t0_).ok());
  // So does one that did not start after all.
  b.Release("a3");
  EXPECT_FALSE(b.Holds("a3"));
  EXPECT_TRUE(b.Reserve("a4", "portal", "person-a4", t0_).ok());
  // Finishing twice counts once.
  b.Finish("a1", 10);
  EXPECT_EQ(b.kept_bytes(), 10u);
}

// One person holds at most their share of a member's places: the member goes on serving
// everyone else, and the person starts another once one of theirs is answered or can no
// longer be.
TEST_F(SigningBudgetTest, OnePersonTakesNoMoreThanTheirShareOfAMembersPlaces) {
  SigningBudget::Limits l = Limits();
  l.under_way = l.per_caller = 10;
  l.per_person = 2;
  SigningBudget b(l);
  ASSERT_TRUE(b.Reserve("p1", "portal", "EE38001085718", t0_).ok());
  ASSERT_TRUE(b.Reserve("p2", "portal", "EE38001085718", t0_ + seconds(10)).ok());
  Status third = b.Reserve("p3", "portal", "EE38001085718", t0_ + seconds(20));
  EXPECT_EQ(third.code(), Code::kFailedPrecondition);
  EXPECT_NE(third.message().find("2 signings waiting in their app already"), std::string::npos) << third.message();
  EXPECT_TRUE(b.Reserve("q1", "portal", "EE49002124277", t0_ + seconds(20)).ok());  // another person
  EXPECT_TRUE(b.Reserve("t1", "tax", "EE38001085718", t0_ + seconds(20)).ok());     // another member
  b.Finish("p1", 10);
  EXPECT_TRUE(b.Reserve("p3", "portal", "EE38001085718", t0_ + seconds(30)).ok());
  EXPECT_EQ(b.Reserve("p4", "portal", "EE38001085718", t0_ + seconds(40)).code(), Code::kFailedPrecondition);
  b.Release("p3");  // did not start after all
  EXPECT_TRUE(b.Reserve("p4", "portal", "EE38001085718", t0_ + seconds(40)).ok());
  EXPECT_EQ(b.Reserve("p5", "portal", "EE38001085718", t0_ + seconds(299)).code(), Code::kFailedPrecondition);
  // p2 has waited 300 s: its answer can no longer come.
  EXPECT_TRUE(b.Reserve("p5", "portal", "EE38001085718", t0_ + seconds(310)).ok());
}

TEST_F(SigningBudgetTest, ASessionNobodyFinishesStopsCountingWhenItsAnswerCanNoLongerCome) {
  SigningBudget b(Limits());
  ASSERT_TRUE(b.Reserve("a1", "portal", "person-a1", t0_).ok());
  ASSERT_TRUE(b.Reserve("a2", "portal", "person-a2", t0_ + seconds(100)).ok());
  EXPECT_EQ(b.Reserve("a3", "portal", "person-a3", t0_ + seconds(299)).code(), Code::kResourceExhausted);
  // a1 has waited 300 s: the sign-in service no longer takes its answer.
  EXPECT_TRUE(b.Reserve("a3", "portal", "person-a3", t0_ + seconds(300)).ok());
  EXPECT_TRUE(b.Holds("a1"));  // still there to say it was refused
  EXPECT_EQ(b.under_way(), 2u);
}

TEST_F(SigningBudgetTest, EverySessionIsForgottenWhenItsLifeIsOver) {
  SigningBudget b(Limits());
  ASSERT_TRUE(b.Reserve("a1", "portal", "person-a1", t0_).ok());
  ASSERT_TRUE(b.Reserve("a2", "portal", "person-a2", t0_ + seconds(10)).ok());
  b.Finish("a2", 40);
  EXPECT_TRUE(b.Expire(t0_ + seconds(599)).empty());
  EXPECT_EQ(b.Expire(t0_ + seconds(600)), std::vector<std::string>{"a1"});
  EXPECT_EQ(b.Expire(t0_ + seconds(610)), std::vector<std::string>{"a2"});
  EXPECT_EQ(b.under_way(), 0u);
  EXPECT_EQ(b.kept_bytes(), 0u);
  EXPECT_TRUE(b.Reserve("a3", "portal", "person-a3", t0_ + seconds(610)).ok());
}

TEST_F(SigningBudgetTest, OverTheByteBudgetTheOldestFinishedGoFirst) {
  SigningBudget b(Limits());
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(b.Reserve(id, std::string("m-") + id, std::string("person-") + id, t0_).ok());
  }
  b.Finish("b", 60);  // finished first
  b.Finish("a", 30);
  EXPECT_TRUE(b.Expire(t0_).empty());  // 90 of 100 bytes
  b.Finish("c", 20);
  // 110 bytes: b, the oldest finished, goes; a and c stay.
  EXPECT_EQ(b.Expire(t0_), std::vector<std::string>{"b"});
  EXPECT_EQ(b.kept_bytes(), 50u);
  EXPECT_TRUE(b.Holds("a"));
  EXPECT_TRUE(b.Holds("c"));
  // An id forgotten out of order does not confuse the queues.
  b.Release("a");
  EXPECT_EQ(b.kept_bytes(), 20u);
  EXPECT_TRUE(b.Expire(t0_ + seconds(599)).empty());
  EXPECT_EQ(b.Expire(t0_ + seconds(600)), std::vector<std::string>{"c"});
}

}  // namespace
}  // namespace riik::node
