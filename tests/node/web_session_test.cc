// A web service's session (the portal's, the demo services'): it ends after the idle
// time without a request and after the absolute time in all, as single sign-on does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/web_sign_in.h"

namespace riik::node {
namespace {

constexpr UnixMicros kMinute = 60'000'000;

TEST(WebSessionTest, EndsWhenIdleOrOldAndARequestKeepsItActive) {
  WebSignInOptions o;  // 15 minutes idle, 12 hours in all
  WebSession s;
  s.created = s.last_active = 1000 * kMinute;
  EXPECT_FALSE(WebSessionExpired(s, s.created + 15 * kMinute, o));
  EXPECT_TRUE(WebSessionExpired(s, s.created + 15 * kMinute + 1, o));
  // Active every 10 minutes: alive until the 12 hours are up, however busy.
  for (int m = 10; m < 12 * 60; m += 10) {
    ASSERT_FALSE(WebSessionExpired(s, s.created + m * kMinute, o)) << m;
    s.last_active = s.created + m * kMinute;
  }
  EXPECT_TRUE(WebSessionExpired(s, s.created + 12 * 60 * kMinute + 1, o));
  o.idle = std::chrono::seconds(60);
  s.last_active = s.created;
  EXPECT_TRUE(WebSessionExpired(s, s.created + kMinute + 1, o));
}

}  // namespace
}  // namespace riik::node
