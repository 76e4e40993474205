// A store's digest is taken by one caller at a time, and kept until the store moves on.
#include "node/digest_cache.h"

#include <gtest/gtest.h>

namespace riik::node {
namespace {

using Next = DigestCache::Next;

TEST(DigestCacheTest, OneCallerTakesTheDigestTheOthersWaitThenShareItUntilTheStoreMoves) {
  DigestCache cache;
  net::HttpResponse answer;
  EXPECT_EQ(cache.Ask("vote", 10, answer), Next::kTake);
  EXPECT_EQ(cache.Ask("vote", 10, answer), Next::kBusy);     // a second caller meanwhile
  EXPECT_EQ(cache.Ask("registry", 3, answer), Next::kTake);  // another store is its own
  net::HttpResponse taken = net::JsonResponse(Json{{"seq", 10}});
  cache.Done("vote", 10, taken);
  EXPECT_EQ(cache.Ask("vote", 10, answer), Next::kAnswer);
  EXPECT_EQ(answer.body, taken.body);
  EXPECT_EQ(cache.Ask("vote", 11, answer), Next::kTake);  // the store wrote since
  cache.Done("vote", std::nullopt, net::JsonError(500, "internal", "failed"));
  EXPECT_EQ(cache.Ask("vote", 11, answer), Next::kTake);  // a failure keeps nothing, blocks no one
}

}  // namespace
}  // namespace riik::node
