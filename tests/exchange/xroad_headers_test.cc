// X-Road-Id values the consumer's security server makes: UUIDs of version 7 (RFC 9562),
// unique (across threads, and in a forked child), and in the order they were made to the
// millisecond, so the logs' key indexes grow at their right edge.
#include "exchange/xroad_headers.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

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

// Ids come from a per-thread reserve of random bytes: threads never share one, and a
// forked child does not go on with its parent's.
TEST(MessageId, ThreadsAndAForkedChildNeverRepeatOne) {
  constexpr int kThreads = 4, kEach = 1000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(NewMessageId());
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& ids : made) {
    for (const std::string& id : ids) EXPECT_TRUE(seen.insert(id).second) << "a repeated id " << id;
  }

  // Forked from a thread that has made exactly one id: its reserve is in use, and would
  // go on in the child if the child did not start its own.
  std::string parents, childs(36, '\0');
  bool child_ok = false;
  std::thread forking([&] {
    (void)NewMessageId();
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return;
    const pid_t child = fork();
    if (child < 0) return;
    if (child == 0) {
      const std::string id = NewMessageId();
      _exit(write(pipe_fds[1], id.data(), id.size()) == static_cast<ssize_t>(id.size()) ? 0 : 1);
    }
    close(pipe_fds[1]);
    parents = NewMessageId();
    const bool read_all = read(pipe_fds[0], childs.data(), childs.size()) == 36;
    close(pipe_fds[0]);
    int status = 0;
    child_ok = read_all && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  });
  forking.join();
  ASSERT_TRUE(child_ok) << "the forked child gave no id";
  EXPECT_NE(childs.substr(14), parents.substr(14)) << "the child went on with its parent's random bytes";
}

}  // namespace
}  // namespace riik::exchange
