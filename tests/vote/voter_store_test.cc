// The voter list kept in the vote service's store: saved once, read back exactly, refused
// with another pseudonym secret than it was made with; none until it is saved whole.
#include "vote/voter_store.h"

#include <gtest/gtest.h>

#include "election/test_manifest.h"
#include "support/temp_dir.h"
#include "vote/pseudonym.h"

namespace riik::vote {
namespace {

TEST(VoterStoreTest, SavedOnceReadBackAndHeldToItsSecret) {
  riik::testing::TempDir dir;
  auto manifest = election::ParseManifest(election::testing::TestManifestJson());
  ASSERT_TRUE(manifest.ok());
  auto store = store::Store::Open({"sqlite:" + dir / "vote.db", "vote"});
  ASSERT_TRUE(store.ok());
  const std::string secret(32, 's'), other(32, 'o');
  auto none = LoadVoterList(**store, *manifest, &secret);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  election::VoterList voters;
  for (int i = 0; i < 25'000; ++i) {  // more than one transaction's worth
    ASSERT_TRUE(voters.Add(VoterPseudonym(secret, std::to_string(30000000000LL + i)), i % 2 ? "1" : "2").ok());
  }
  ASSERT_TRUE(SaveVoterList(**store, voters, secret).ok());
  EXPECT_EQ(SaveVoterList(**store, voters, secret).code(), Code::kFailedPrecondition);  // made once

  auto loaded = LoadVoterList(**store, *manifest, &secret);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->size(), voters.size());
  EXPECT_EQ((*loaded)->Root(), voters.Root());

  auto wrong = LoadVoterList(**store, *manifest, &other);
  EXPECT_EQ(wrong.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("pseudonym.key"), std::string::npos);
  // Without a secret to hold it to (the operator's export), the list reads as stored.
  auto unchecked = LoadVoterList(**store, *manifest);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_EQ((*unchecked)->Root(), voters.Root());
}

}  // namespace
}  // namespace riik::vote
