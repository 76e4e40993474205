// X-Road-Id values the consumer's security server makes: UUIDs of version 7 (RFC 9562),
// unique, and in the order they were made to the millisecond, so the logs' key indexes
// grow at their right edge.
#include "exchange/xroad_headers.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include "core/clock.h"

namespace riik::exchange {
namespace {

TEST(MessageId, IsAVersion7UuidThatSortsByTime) {
  const UnixMicros before = NowMicros();
  std::string id = NewMessageId();
  ASSERT_EQ(id.size(), 36u) << id;
  EXPECT_TRUE(CheckMessageId("X-Road-Id", id).ok());
  for (size_t dash : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[dash], '-') << id;
  EXPECT_EQ(id[14], '7') << id;                                          // the version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // the RFC 9562 variant
  // The first 48 bits are the Unix time in milliseconds.
  const uint64_t ms = std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, static_cast<uint64_t>(before / 1000));
  EXPECT_LE(ms, static_cast<uint64_t>(NowMicros() / 1000));

  std::set<std::string> seen;
  std::string previous = id;
  for (int i = 0; i < 2000; ++i) {
    std::string next = NewMessageId();
    EXPECT_TRUE(seen.insert(next).second) << "a repeated id " << next;
    // Ids of different milliseconds sort in time order; within one the rest is random.
    if (next.substr(0, 13) != previous.substr(0, 13)) {
      EXPECT_GT(next, previous);
    }
    previous = next;
    if (i % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace
}  // namespace riik::exchange
