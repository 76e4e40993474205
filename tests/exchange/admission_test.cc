// Admission control: a client over its rate or its in-flight cap is refused while
// another client is still admitted; tokens refill with time; tickets give slots back.
#include "exchange/admission.h"

#include <gtest/gtest.h>

#include <vector>

namespace riik::exchange {
namespace {

TEST(Admission, AFloodingClientIsRefusedWhileOthersPass) {
  UnixMicros now = 1'000'000;
  Admission admission({.rate_per_s = 10, .burst = 5, .max_in_flight = 100, .clock = [&] { return now; }});
  int admitted = 0;
  for (int i = 0; i < 50; ++i) admitted += admission.Admit("EE/COM/1/flood").ok();
  EXPECT_EQ(admitted, 5);  // the burst, then nothing until tokens refill
  auto refused = admission.Admit("EE/COM/1/flood");
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("over its rate of 10"), std::string::npos);
  EXPECT_TRUE(admission.Admit("EE/GOV/2/calm").ok());  // another client is unaffected
  now += 500'000;  // half a second: 5 tokens back
  admitted = 0;
  for (int i = 0; i < 50; ++i) admitted += admission.Admit("EE/COM/1/flood").ok();
  EXPECT_EQ(admitted, 5);
  EXPECT_GE(admission.refused(), 90);
}

TEST(Admission, InFlightCapHoldsUntilTicketsAreReturned) {
  Admission admission({.rate_per_s = 1e6, .burst = 1e6, .max_in_flight = 3});
  std::vector<Admission::Ticket> held;
  for (int i = 0; i < 3; ++i) {
    auto t = admission.Admit("a");
    ASSERT_TRUE(t.ok());
    held.push_back(std::move(*t));
  }
  auto fourth = admission.Admit("a");
  EXPECT_NE(fourth.status().message().find("3 calls in flight"), std::string::npos);
  EXPECT_TRUE(admission.Admit("b").ok());
  EXPECT_EQ(admission.in_flight("a"), 3);
  held.pop_back();
  EXPECT_EQ(admission.in_flight("a"), 2);
  EXPECT_TRUE(admission.Admit("a").ok());  // the temporary ticket is released at once
  EXPECT_EQ(admission.in_flight("a"), 2);
}

TEST(Admission, ManyClientsDoNotGrowWithoutBound) {
  Admission admission({.max_clients = 100});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(admission.Admit("client-" + std::to_string(i)).ok());
  EXPECT_TRUE(admission.Admit("one more").ok());
}

}  // namespace
}  // namespace riik::exchange
