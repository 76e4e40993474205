// Keys from passphrases (Argon2id): the same inputs give the same key, and limits or a
// salt a file could have doctored are refused before any work is done.
#include "crypto/passphrase_key.h"

#include <gtest/gtest.h>

namespace riik {
namespace {

TEST(PassphraseKeyTest, DerivesTheSameKeyFromTheSameInputsOnly) {
  const std::string salt(Argon2SaltBytes(), 's');
  const Argon2Limits interactive = LimitsOf(PassphraseCost::kInteractive);
  auto a = DeriveKeyFromPassphrase("correct horse", salt, interactive, 32);
  auto b = DeriveKeyFromPassphrase("correct horse", salt, interactive, 32);
  auto other = DeriveKeyFromPassphrase("correct horsf", salt, interactive, 32);
  auto salted = DeriveKeyFromPassphrase("correct horse", std::string(Argon2SaltBytes(), 't'), interactive, 32);
  ASSERT_TRUE(a.ok() && b.ok() && other.ok() && salted.ok()) << a.status().ToString();
  EXPECT_EQ(a->size(), 32u);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *other);
  EXPECT_NE(*a, *salted);
}

TEST(PassphraseKeyTest, LimitsOutsideTheBoundsAndShortSaltsAreRefused) {
  const Argon2Limits moderate = LimitsOf(PassphraseCost::kModerate),
                     interactive = LimitsOf(PassphraseCost::kInteractive);
  EXPECT_TRUE(WithinArgon2Bounds(moderate));
  EXPECT_TRUE(WithinArgon2Bounds(interactive));
  EXPECT_GT(moderate.ops, interactive.ops);
  EXPECT_GT(moderate.mem, interactive.mem);
  const std::string salt(Argon2SaltBytes(), 's');
  for (Argon2Limits doctored :
       {Argon2Limits{interactive.ops - 1, interactive.mem}, Argon2Limits{interactive.ops, interactive.mem / 2},
        Argon2Limits{1000, interactive.mem}, Argon2Limits{interactive.ops, size_t{1} << 40}}) {
    auto key = DeriveKeyFromPassphrase("correct horse", salt, doctored, 32);
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  }
  auto short_salt = DeriveKeyFromPassphrase("correct horse", "short", interactive, 32);
  EXPECT_EQ(short_salt.status().code(), Code::kInvalidArgument);
  EXPECT_NE(short_salt.status().message().find("salt"), std::string::npos);
}

}  // namespace
}  // namespace riik
