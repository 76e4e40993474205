// StateFile: a value saved often, one appended line and fsync per save, read back after a
// restart or a crash (support/fault_env.h drops what was not synced).
#include "store/state_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "crypto/sha256.h"
#include "support/fault_env.h"
#include "support/temp_dir.h"

namespace riik::store {
namespace {

using riik::testing::FaultEnv;

std::string Value(int i) { return R"({"https://127.0.0.1:9100":{"seq":)" + std::to_string(i) + "}}"; }

std::string ReadAll(const std::string& path) {
  auto text = Env::Default().ReadFile(path);
  return text.ok() ? *text : "";
}

TEST(StateFileTest, TheNewestSaveIsReadBackAndTheFileStaysSmall) {
  riik::testing::TempDir dir;
  const std::string path = dir / "people.acked";
  {
    auto file = StateFile::Open(Env::Default(), path, /*max_bytes=*/1024);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ((*file)->value(), "");  // no file yet
    for (int i = 1; i <= 200; ++i) {
      ASSERT_TRUE((*file)->Save(Value(i)).ok());
      EXPECT_LE(ReadAll(path).size(), 1024u) << "after save " << i;
    }
    EXPECT_EQ((*file)->value(), Value(200));
  }
  auto reopened = StateFile::Open(Env::Default(), path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->value(), Value(200));
  // Each line: the value's SHA-256 in hex, a space, the value.
  const std::string text = ReadAll(path);
  EXPECT_EQ(text.substr(text.size() - Value(200).size() - 66), DigestHex(Sha256(Value(200))) + " " + Value(200) + "\n");
  EXPECT_EQ((*reopened)->Save("two\nlines").code(), Code::kInvalidArgument);
}

TEST(StateFileTest, ATornOrDamagedLastLineLeavesTheValueSavedBeforeIt) {
  const std::string a = DigestHex(Sha256(Value(1))) + " " + Value(1) + "\n";
  const std::string b = DigestHex(Sha256(Value(2))) + " " + Value(2) + "\n";
  EXPECT_EQ(NewestStateValue(a + b), Value(2));
  EXPECT_EQ(NewestStateValue(a + b.substr(0, b.size() - 1)), Value(1));  // no newline: torn
  EXPECT_EQ(NewestStateValue(a + b.substr(0, 40)), Value(1));
  std::string flipped = b;
  flipped[b.size() - 5] ^= 0x01;
  EXPECT_EQ(NewestStateValue(a + flipped), Value(1));
  EXPECT_EQ(NewestStateValue(""), std::nullopt);
  EXPECT_EQ(NewestStateValue("not a state file\n{}\n"), std::nullopt);
}

// At every point of a run of saves the machine goes down: reopened, the file holds the
// last save that returned OK, or the one that was under way.
TEST(StateFileTest, ACrashAtAnyPointKeepsTheLastSaveThatReturned) {
  constexpr int kSaves = 12;
  int runs = 0;
  for (int64_t crash_after = 0;; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after) + " calls");
    riik::testing::TempDir dir;
    FaultEnv env;
    const std::string path = dir / "people.acked";
    int saved = 0;
    bool completed = false;
    env.CrashAfter(crash_after);
    {
      auto file = StateFile::Open(env, path, /*max_bytes=*/600);  // five lines, then rewritten
      ASSERT_TRUE(file.ok());
      for (int i = 1; i <= kSaves && (*file)->Save(Value(i)).ok(); ++i) saved = i;
      completed = saved == kSaves && env.mutations() <= crash_after;
      if (completed) {  // saves 11 and 12 were appended to the file that save 11 began
        const std::string text = ReadAll(path);
        EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
      }
    }
    env.Crash();
    auto reopened = StateFile::Open(env, path);
    ASSERT_TRUE(reopened.ok());
    const std::string value = (*reopened)->value();
    if (saved == 0) {
      EXPECT_TRUE(value.empty() || value == Value(1)) << value;
    } else {
      EXPECT_TRUE(value == Value(saved) || (saved < kSaves && value == Value(saved + 1))) << value;
    }
    ++runs;
    if (completed || ::testing::Test::HasFailure()) break;
    ASSERT_LT(crash_after, 1000) << "the saves never complete";
  }
  EXPECT_GT(runs, 3 * kSaves);  // each save's write and sync, and each rewrite's steps
}

TEST(StateFileTest, AFailedSaveIsAnErrorAndTheNextOneRewritesTheFile) {
  riik::testing::TempDir dir;
  FaultEnv env;
  const std::string path = dir / "people.acked";
  auto file = StateFile::Open(env, path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Save(Value(1)).ok());
  ASSERT_TRUE((*file)->Save(Value(2)).ok());  // appended
  // A full disk: the third line is written in part.
  env.SetSpaceLeft(20);
  Status failed = (*file)->Save(Value(3));
  EXPECT_EQ(failed.code(), Code::kResourceExhausted) << failed.ToString();
  EXPECT_NE(failed.message().find(path), std::string::npos) << failed.ToString();
  EXPECT_EQ((*file)->value(), Value(2));
  // The next save does not append to the torn line: the file is replaced, one line.
  env.Heal();
  ASSERT_TRUE((*file)->Save(Value(4)).ok());
  EXPECT_EQ(ReadAll(path), DigestHex(Sha256(Value(4))) + " " + Value(4) + "\n");
  env.Crash();
  auto reopened = StateFile::Open(env, path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->value(), Value(4));
  EXPECT_FALSE((*reopened)->damaged());
}

TEST(StateFileTest, AFileWithNoLineThatVerifiesIsDamagedNotAbsent) {
  riik::testing::TempDir dir;
  const std::string path = dir / "people.acked";
  auto absent = StateFile::Open(Env::Default(), path);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE((*absent)->damaged());
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), path, "{\"https://127.0.0.1:9100\":{\"seq\":7}}\n", false).ok());
  auto damaged = StateFile::Open(Env::Default(), path);
  ASSERT_TRUE(damaged.ok());
  EXPECT_TRUE((*damaged)->damaged());
  EXPECT_EQ((*damaged)->value(), "");
}

}  // namespace
}  // namespace riik::store
