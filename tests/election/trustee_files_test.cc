// The key ceremony's files: a trustee's transport key and key share open only with its
// passphrase, for its election and its number; a share box opens only for its recipient
// and says who sent it.
#include "election/trustee_files.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/json.h"

namespace riik::election {
namespace {

const std::string kTrusteeElection(32, '\x11');
const std::string kOtherElection(32, '\x12');
constexpr auto kFast = SealCost::kInteractive;

TEST(TrusteeFilesTest, AKeyShareOpensOnlyWithItsPassphraseElectionAndTrustee) {
  const Scalar share = Scalar::Random();
  auto sealed = SealKeyShare(kTrusteeElection, 3, share, "correct horse battery", kFast);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find(std::string(share.Bytes())), std::string::npos);
  auto opened = OpenKeyShare(*sealed, kTrusteeElection, 3, "correct horse battery");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, share);
  auto wrong = OpenKeyShare(*sealed, kTrusteeElection, 3, "wrong horse battery");
  EXPECT_EQ(wrong.status().code(), Code::kPermissionDenied);
  EXPECT_NE(wrong.status().message().find("does not open"), std::string::npos);
  EXPECT_EQ(OpenKeyShare(*sealed, kOtherElection, 3, "correct horse battery").status().code(), Code::kPermissionDenied);
  EXPECT_NE(OpenKeyShare(*sealed, kTrusteeElection, 4, "correct horse battery").status().message().find("trustee 3's"),
            std::string::npos);
  // Relabelled as trustee 4's: the associated data no longer matches.
  Json j = *ParseJson(*sealed);
  j["trustee"] = 4;
  EXPECT_EQ(OpenKeyShare(j.dump(), kTrusteeElection, 4, "correct horse battery").status().code(),
            Code::kPermissionDenied);
  // Opened as another kind of file.
  EXPECT_FALSE(OpenTransportKey(*sealed, kTrusteeElection, "correct horse battery").ok());
  EXPECT_NE(SealKeyShare(kTrusteeElection, 3, share, "short", kFast).status().message().find("at least 8"),
            std::string::npos);
  // A file that asks for more work than libsodium's sensitive limits is refused unread.
  j = *ParseJson(*sealed);
  j["memlimit"] = int64_t{1} << 40;
  EXPECT_NE(OpenKeyShare(j.dump(), kTrusteeElection, 3, "correct horse battery").status().message().find("memlimit"),
            std::string::npos);
}

TEST(TrusteeFilesTest, TransportKeysAndShareBoxes) {
  const TransportKey two = NewTransportKey(2), four = NewTransportKey(4);
  auto published = ParsePublicTransportKey(PublicTransportKeyJson(four));
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->public_key, four.public_key);
  EXPECT_TRUE(published->secret_key.empty());
  EXPECT_EQ(PublicTransportKeyJson(four).find(four.secret_key), std::string::npos);
  auto sealed = SealTransportKey(four, kTrusteeElection, "trustee four's words", kFast);
  ASSERT_TRUE(sealed.ok());
  auto reopened = OpenTransportKey(*sealed, kTrusteeElection, "trustee four's words");
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(reopened->secret_key, four.secret_key);
  EXPECT_EQ(reopened->trustee, 4u);

  const Scalar share = Scalar::Random();
  auto box = SealShareBox(kTrusteeElection, two, *published, share);
  ASSERT_TRUE(box.ok());
  TransportKey two_public = two;
  two_public.secret_key.clear();
  auto opened = OpenShareBox(*box, kTrusteeElection, two_public, *reopened);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, share);
  // Opened with trustee 2's key instead of 4's; claimed as from trustee 3, or made by
  // someone else with 3's number; for another election.
  EXPECT_EQ(OpenShareBox(*box, kTrusteeElection, two_public, two).status().code(), Code::kInvalidArgument);
  const TransportKey three = NewTransportKey(3);
  EXPECT_EQ(OpenShareBox(*box, kTrusteeElection, three, *reopened).status().code(), Code::kInvalidArgument);
  Json relabelled = *ParseJson(*box);
  relabelled["from"] = 3;
  EXPECT_EQ(OpenShareBox(relabelled.dump(), kTrusteeElection, three, *reopened).status().code(),
            Code::kPermissionDenied);
  TransportKey forger = NewTransportKey(2);  // not trustee 2's published key
  auto forged = SealShareBox(kTrusteeElection, forger, *published, share);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(OpenShareBox(*forged, kTrusteeElection, two_public, *reopened).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(OpenShareBox(*box, kOtherElection, two_public, *reopened).status().code(), Code::kDataLoss);
  // A sealed key whose halves do not belong together does not open.
  TransportKey mixed = four;
  mixed.public_key = two.public_key;
  auto sealed_mixed = SealTransportKey(mixed, kTrusteeElection, "trustee four's words", kFast);
  ASSERT_TRUE(sealed_mixed.ok());
  EXPECT_EQ(OpenTransportKey(*sealed_mixed, kTrusteeElection, "trustee four's words").status().code(), Code::kDataLoss);
  EXPECT_EQ(TransportKeysFingerprint(std::vector<TransportKey>{two, four}).size(), 64u);
  EXPECT_FALSE(ParsePublicTransportKey("{}").ok());
}

}  // namespace
}  // namespace riik::election
