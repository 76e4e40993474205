// Key custody: any `threshold` shares restore the key, fewer cannot, and a wrong share —
// another split's, altered, or opened with a wrong PIN — is named.
#include "embassy/custody.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/json.h"
#include "embassy/shamir.h"

namespace riik::embassy {
namespace {

const std::string kKey = std::string("\x00\x01\xfe\xff", 4) + std::string(28, 'k');

TEST(ShamirTest, AnyThresholdSharesGiveTheSecretBackAndFewerCannot) {
  auto shares = SplitSecret(kKey, 5, 3);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  ASSERT_EQ(shares->size(), 5u);
  for (int a = 0; a < 5; ++a) {
    for (int b = a + 1; b < 5; ++b) {
      for (int c = b + 1; c < 5; ++c) {
        std::vector<Share> three = {(*shares)[a], (*shares)[b], (*shares)[c]};
        auto secret = CombineShares(three, 3);
        ASSERT_TRUE(secret.ok());
        EXPECT_EQ(*secret, kKey) << a << b << c;
      }
    }
  }
  std::vector<Share> two = {(*shares)[0], (*shares)[1]};
  EXPECT_EQ(CombineShares(two, 3).status().code(), Code::kInvalidArgument);
  // Two shares interpolated as if two were enough: not the key.
  EXPECT_NE(*CombineShares(two, 2), kKey);
  std::vector<Share> twice = {(*shares)[0], (*shares)[0], (*shares)[1]};
  EXPECT_EQ(CombineShares(twice, 3).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(SplitSecret(kKey, 5, 6).ok());
  EXPECT_FALSE(SplitSecret(kKey, 1, 1).ok());
  EXPECT_FALSE(SplitSecret("", 3, 2).ok());
}

TEST(ShamirTest, EachShareAloneLooksRandom) {
  // The same secret split twice gives different shares (fresh coefficients).
  auto first = SplitSecret(kKey, 3, 2), second = SplitSecret(kKey, 3, 2);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE((*first)[0].bytes, (*second)[0].bytes);
  EXPECT_NE((*first)[0].bytes, kKey);
}

class CustodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Interactive limits keep the tests quick; ModerateLimitsByDefault checks the default.
    auto files = SealShares(kKey, 3, pins_, kRoot, PinHardness::kInteractive);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_ = *files;
  }
  OpenedShare Opened(size_t i) const { return {files_[i], pins_[i], "custodian-" + std::to_string(i + 1) + ".json"}; }
  static constexpr const char* kRoot = "the state root certificate's DER";
  std::vector<std::string> pins_ = {"11111111", "22222222", "33333333", "44444444", "55555555"};
  std::vector<std::string> files_;
};

TEST_F(CustodyTest, ThreeOfFiveRestoreTheKey) {
  std::vector<OpenedShare> three = {Opened(4), Opened(0), Opened(2)};
  auto key = RestoreSecret(three);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, kKey);
  // The state root comes back from under the seals.
  auto custody = RestoreCustody(three);
  ASSERT_TRUE(custody.ok());
  EXPECT_EQ(custody->root_der, kRoot);
  // The files hold no key material in the clear.
  for (const std::string& f : files_) EXPECT_EQ(f.find(std::string(28, 'k')), std::string::npos);
}

TEST_F(CustodyTest, FewerThanThreeCannotAndAWrongShareIsNamed) {
  std::vector<OpenedShare> two = {Opened(0), Opened(1)};
  auto too_few = RestoreSecret(two);
  EXPECT_EQ(too_few.status().code(), Code::kInvalidArgument);
  EXPECT_NE(too_few.status().message().find("needs 3 of the 5 shares; 2 given"), std::string::npos)
      << too_few.status().ToString();

  OpenedShare wrong_pin = Opened(1);
  wrong_pin.pin = "99999999";
  std::vector<OpenedShare> with_wrong_pin = {Opened(0), wrong_pin, Opened(2)};
  auto refused = RestoreSecret(with_wrong_pin);
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("custodian-2.json: wrong PIN"), std::string::npos)
      << refused.status().ToString();

  auto other_split = SealShares(std::string(32, 'z'), 3, pins_, kRoot, PinHardness::kInteractive);
  ASSERT_TRUE(other_split.ok());
  std::vector<OpenedShare> mixed = {Opened(0), Opened(1), {(*other_split)[2], pins_[2], "stranger.json"}};
  auto foreign = RestoreSecret(mixed);
  EXPECT_EQ(foreign.status().code(), Code::kDataLoss);
  EXPECT_NE(foreign.status().message().find("stranger.json belongs to another split"), std::string::npos)
      << foreign.status().ToString();

  std::vector<OpenedShare> same_twice = {Opened(0), Opened(0), Opened(1)};
  EXPECT_EQ(RestoreSecret(same_twice).status().code(), Code::kInvalidArgument);

  std::vector<OpenedShare> garbage = {Opened(0), Opened(1), {"not json", "x", "junk.json"}};
  auto junk = RestoreSecret(garbage);
  EXPECT_EQ(junk.status().code(), Code::kInvalidArgument);
  EXPECT_NE(junk.status().message().find("junk.json"), std::string::npos);
  EXPECT_FALSE(SealShares(kKey, 3, std::vector<std::string>{"1234567", "45678900", "00000000"}, kRoot).ok());  // short
  EXPECT_FALSE(SealShares(kKey, 3, pins_, "").ok());  // no state root to seal
}

// A real split costs a guess at a PIN libsodium's moderate limits, recorded in the file;
// a file's limits outside interactive..sensitive are refused, and a file stripped of
// them (as v2 files sealed before they were recorded) is opened with the moderate ones.
TEST_F(CustodyTest, ModerateLimitsByDefaultAndTheFilesLimitsAreBounded) {
  const std::vector<std::string> two_pins = {pins_[0], pins_[1]};
  auto moderate = SealShares(kKey, 2, two_pins, kRoot);
  ASSERT_TRUE(moderate.ok()) << moderate.status().ToString();
  Json doc = Json::parse((*moderate)[0]);
  EXPECT_EQ(doc["argon2id"]["opslimit"], crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(doc["argon2id"]["memlimit"], crypto_pwhash_MEMLIMIT_MODERATE);
  Json stripped = Json::parse((*moderate)[1]);
  stripped.erase("argon2id");
  std::vector<OpenedShare> both = {{(*moderate)[0], pins_[0], "a.json"}, {stripped.dump(), pins_[1], "b.json"}};
  auto key = RestoreSecret(both);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, kKey);

  auto with = [&](const char* field, unsigned long long value) {
    Json d = Json::parse(files_[1]);
    d["argon2id"][field] = value;
    std::vector<OpenedShare> three = {Opened(0), {d.dump(), pins_[1], "custodian-2.json"}, Opened(2)};
    return RestoreSecret(three).status();
  };
  for (Status s : {with("opslimit", 1), with("opslimit", crypto_pwhash_OPSLIMIT_SENSITIVE + 1),
                   with("memlimit", crypto_pwhash_MEMLIMIT_SENSITIVE * 2)}) {
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_NE(s.message().find("custodian-2.json: Argon2id limits outside"), std::string::npos) << s.ToString();
  }
  // Numbers that are not whole ones (found by share_file_fuzz: 1e300 as an index) are
  // refused by name, never cast.
  auto field = [&](const char* name, const Json& value) {
    Json d = Json::parse(files_[1]);
    d[name] = value;
    std::vector<OpenedShare> three = {Opened(0), {d.dump(), pins_[1], "custodian-2.json"}, Opened(2)};
    return RestoreSecret(three).status();
  };
  for (const char* name : {"index", "shares", "threshold"}) {
    for (const Json& value : {Json(1e300), Json(2.5), Json(-1), Json(256)}) {
      Status s = field(name, value);
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << name << " " << value.dump();
      EXPECT_NE(s.message().find(std::string("custodian-2.json: ") + name), std::string::npos) << s.ToString();
    }
  }
  Json floats = Json::parse(files_[1]);
  floats["argon2id"]["memlimit"] = 1e300;
  std::vector<OpenedShare> three = {Opened(0), {floats.dump(), pins_[1], "custodian-2.json"}, Opened(2)};
  EXPECT_EQ(RestoreSecret(three).status().message(),
            "share file custodian-2.json: argon2id.memlimit: expected an integer");
  // Limits changed within the range derive another key: the PIN no longer opens the share.
  Status changed = with("opslimit", crypto_pwhash_OPSLIMIT_INTERACTIVE + 1);
  EXPECT_EQ(changed.code(), Code::kPermissionDenied) << changed.ToString();
}

// The manifest every file carries is what a restore holds the shares to: a share whose
// hash is not the manifest's, or a key whose hash is not, is refused (DataLoss).
TEST_F(CustodyTest, AShareOrAKeyThatIsNotTheManifestsIsRefused) {
  auto rewrite = [&](const std::function<void(Json&)>& change) {
    std::vector<OpenedShare> out;
    for (size_t i : {0u, 1u, 2u}) {
      Json doc = Json::parse(files_[i]);
      change(doc);
      out.push_back({doc.dump(), pins_[i], "custodian-" + std::to_string(i + 1) + ".json"});
    }
    return out;
  };
  auto wrong_share = RestoreSecret(rewrite([](Json& d) { d["share_sha256"][1] = std::string(64, '0'); }));
  EXPECT_EQ(wrong_share.status().code(), Code::kDataLoss);
  EXPECT_NE(wrong_share.status().message().find("custodian-2.json: share 2 is not the one the split made"),
            std::string::npos)
      << wrong_share.status().ToString();
  auto wrong_key = RestoreSecret(rewrite([](Json& d) { d["secret_sha256"] = std::string(64, '0'); }));
  EXPECT_EQ(wrong_key.status().code(), Code::kDataLoss);
  EXPECT_NE(wrong_key.status().message().find("do not give the key"), std::string::npos)
      << wrong_key.status().ToString();
}

// Writes fuzz/share_file_corpus (RIIK_SHARE_CORPUS):
//   RIIK_SHARE_CORPUS=fuzz/share_file_corpus build/release/tests/embassy_test
//     --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
TEST_F(CustodyTest, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("RIIK_SHARE_CORPUS");
  ASSERT_NE(dir, nullptr);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << text;
  };
  write("sealed_share.json", files_[0]);  // one share never restores alone: no valid_ seed
  Json doc = Json::parse(files_[1]);
  doc["index"] = 9;
  write("bad_index.json", doc.dump());
  write("truncated.json", files_[2].substr(0, files_[2].size() / 2));
  write("array.json", "[]");
}

}  // namespace
}  // namespace riik::embassy
