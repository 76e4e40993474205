// Durability: a process committing in a loop is killed with SIGKILL, several times;
// after each restart every acknowledged commit is there and the journal verifies.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "store/store.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace riik::store {
namespace {

std::string HelperPath() { return RIIK_COMMIT_LOOP; }

// Runs commit_loop until it has acknowledged `min_acks` commits plus a random extra
// delay, then kill -9s it. Returns the acknowledged keys.
std::set<int64_t> RunAndKill(const std::string& url, int min_acks, unsigned seed) {
  int pipefd[2];
  EXPECT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    close(pipefd[0]);
    close(pipefd[1]);
    std::string helper = HelperPath();
    execl(helper.c_str(), helper.c_str(), url.c_str(), "crashy", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipefd[1]);
  FILE* in = fdopen(pipefd[0], "r");
  std::set<int64_t> acked;
  char line[128];
  int extra = static_cast<int>(seed % 50);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (static_cast<int>(acked.size()) < min_acks + extra && std::chrono::steady_clock::now() < deadline &&
         std::fgets(line, sizeof line, in)) {
    long long k = 0, seq = 0;
    if (std::sscanf(line, "ack %lld %lld", &k, &seq) == 2) acked.insert(k);
  }
  kill(pid, SIGKILL);
  // Whatever the helper printed before it died was acknowledged too.
  while (std::fgets(line, sizeof line, in)) {
    long long k = 0, seq = 0;
    if (std::sscanf(line, "ack %lld %lld", &k, &seq) == 2) acked.insert(k);
  }
  fclose(in);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "helper exited on its own: " << status;
  return acked;
}

class CrashTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashTest, EveryAcknowledgedCommitSurvivesKill9) {
  riik::testing::TempDir dir;
  std::string url = "sqlite:" + dir / "crash.db";
  if (GetParam() == "postgresql") {
    auto pg = riik::testing::NewTestDatabase();
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    url = *pg;
  }
  std::set<int64_t> acked;
  for (unsigned round = 0; round < 4; ++round) {
    auto got = RunAndKill(url, 100, round * 7919 + 13);
    ASSERT_GE(got.size(), 100u) << "round " << round;
    acked.insert(got.begin(), got.end());

    auto store = Store::Open(StoreOptions{url, "crashy"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    if (round == 0) {  // what the durability claim rests on, so a weaker setting fails here
      if (GetParam() == "sqlite") {
        auto sync = (*store)->Query("PRAGMA synchronous");
        ASSERT_TRUE(sync.ok()) << sync.status().ToString();
        ASSERT_EQ(sync->size(), 1u);
        EXPECT_EQ(std::get<int64_t>(sync->front().begin()->second), 2) << "synchronous is not FULL";
      } else {
        for (const char* setting : {"fsync", "synchronous_commit"}) {
          auto on = (*store)->Query(std::string("SELECT current_setting('") + setting + "') AS v");
          ASSERT_TRUE(on.ok()) << on.status().ToString();
          EXPECT_EQ(std::get<std::string>(on->front().at("v")), "on") << setting;
        }
      }
    }
    for (int64_t k : acked) {
      auto row = (*store)->Get("acked", {{"k", k}});
      ASSERT_TRUE(row.ok()) << row.status().ToString();
      ASSERT_TRUE(row->has_value()) << "acknowledged commit " << k << " lost in round " << round;
      auto pair = (*store)->Get("acked", {{"k", -k}});
      ASSERT_TRUE(pair.ok() && pair->has_value()) << "half of transaction " << k << " lost";
    }
    auto report = (*store)->VerifyJournal(/*replay=*/true);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->status.ok()) << report->status.ToString();
    EXPECT_EQ(report->entries, (*store)->Head().seq);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, CrashTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace riik::store
