// The manifest read strictly, and ballots: encrypted, checked, opened, sent as JSON, and
// refused when any part of them is not what it claims.
#include "election/ballot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/sha256.h"
#include "election/test_manifest.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

using testing::TestManifestJson;

Manifest TestManifest() {
  auto m = ParseManifest(TestManifestJson());
  if (!m.ok()) ADD_FAILURE() << m.status().message();
  return *m;
}

// The test manifest with one change made to its JSON.
std::string Changed(const std::function<void(Json&)>& change) {
  Json j = *ParseJson(TestManifestJson());
  change(j);
  return j.dump();
}

TEST(ManifestTest, ReadsTheElectionAndHashesItsCanonicalForm) {
  Manifest m = TestManifest();
  EXPECT_EQ(m.id, "test-2027");
  EXPECT_EQ(m.contests.size(), 3u);
  EXPECT_EQ(m.FindContest("council-2")->options.size(), 3u);
  EXPECT_EQ(m.DistrictOfCounty("Jõgeva maakond")->id, "2");
  EXPECT_EQ(m.DistrictOfCounty("Saare maakond"), nullptr);
  EXPECT_EQ(FormatRfc3339(m.closes), "2027-03-01T18:00:00.000000Z");
  EXPECT_EQ(m.hash.size(), 32u);
  // The same manifest spelt with other whitespace and key order: the same hash.
  auto again = ParseManifest(ParseJson(TestManifestJson())->dump(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->hash, m.hash);
  // Any change of meaning: another hash.
  auto renamed = ParseManifest(Changed([](Json& j) { j["contests"][0]["options"][1]["name"] = "Jaan Tamme"; }));
  ASSERT_TRUE(renamed.ok());
  EXPECT_NE(renamed->hash, m.hash);
}

TEST(ManifestTest, RefusesWhatCannotBeAnElection) {
  struct Case {
    std::function<void(Json&)> change;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {[](Json& j) { j["contests"][0]["options"][1]["id"] = "101"; }, "option 101 appears twice"},
      {[](Json& j) { j["districts"][1]["counties"][0] = "Harju maakond"; }, "in two districts"},
      {[](Json& j) { j["contests"][0]["district"] = "9"; }, "is not a district"},
      {[](Json& j) { j["closes"] = "2027-02-24T06:00:00Z"; }, "close before they open"},
      {[](Json& j) { j["opens"] = "2027-02-24 07:00"; }, "manifest.opens"},
      {[](Json& j) { j["contests"][0]["max"] = 5; }, "manifest.contests[0].max"},
      {[](Json& j) { j["contests"][0]["min"] = 2; }, "manifest.contests[0].min"},
      {[](Json& j) { j["threshold"] = 6; }, "manifest.threshold"},
      {[](Json& j) { j["extra"] = 1; }, "extra"},
      {[](Json& j) { j["contests"][0]["id"] = "a b"; }, "letters, digits"},
      {[](Json& j) { j["contests"][2]["id"] = "council-1"; }, "contest council-1 appears twice"},
      {[](Json& j) { j["format"] = "riik-election-v2"; }, "format"},
      {[](Json& j) { j["contests"] = Json::array(); }, "no contests"},
      {[](Json& j) { j["voter_list_cutoff"] = "2027-03-06"; }, "cut-off"},
      // The officials by their signing certificates' SHA-256, never a personal code.
      {[](Json& j) {
         j["paper_vote_officials"] = {std::string(64, 'a'), "38001085718"};
       },
       "manifest.paper_vote_officials[1]: a SHA-256 digest is 64 hex digits"},
      {[](Json& j) { j["paper_vote_officials"] = {std::string(64, 'A')}; }, "lower-case hex"},
      {[](Json& j) { j["paper_vote_officials"] = std::vector<std::string>(1001, std::string(64, 'a')); },
       "manifest.paper_vote_officials: more than 1000 items"},
      {[](Json& j) { j["paper_vote_officials"] = Json::array(); }, "names nobody"},
      {[](Json& j) { j["paper_vote_officials"] = "ab"; }, "paper_vote_officials"},
  };
  for (const auto& c : cases) {
    auto m = ParseManifest(Changed(c.change));
    ASSERT_FALSE(m.ok()) << c.reason;
    EXPECT_NE(m.status().message().find(c.reason), std::string::npos) << m.status().message();
  }
  EXPECT_FALSE(ParseManifest("{").ok());
  // A personal code listed by mistake is refused without being repeated (it would reach the logs).
  auto code = ParseManifest(Changed([](Json& j) { j["paper_vote_officials"] = {"38001085718"}; }));
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.status().message().find("38001085718"), std::string::npos) << code.status().message();
  auto listed = ParseManifest(Changed([](Json& j) { j["paper_vote_officials"] = {std::string(64, 'a')}; }));
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->paper_vote_officials, std::vector<std::string>{std::string(64, 'a')});
}

class BallotTest : public ::testing::Test {
 protected:
  EncryptedBallot Cast(std::string_view voter, std::string_view district, const std::vector<Choice>& choices) {
    auto b = EncryptBallot(manifest_, key_, voter, district, choices);
    EXPECT_TRUE(b.ok()) << b.status().message();
    return *b;
  }

  Manifest manifest_ = TestManifest();
  Scalar secret_ = Scalar::Random();
  Point key_ = BaseTimes(secret_);
  std::vector<Choice> district2_ = {{"question-2", {}}, {"council-2", {"203"}}};
};

TEST_F(BallotTest, EncryptsChecksAndOpens) {
  EncryptedBallot cast = Cast("voter-17", "2", district2_);
  ASSERT_EQ(cast.ballot.contests.size(), 2u);
  EXPECT_EQ(cast.ballot.contests[0].contest, "council-2");  // the manifest's order
  EXPECT_TRUE(VerifyBallot(manifest_, key_, "2", cast.ballot).ok());
  auto opened = OpenBallot(manifest_, key_, cast.ballot, cast.randomness);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ((*opened)[0].selected, std::vector<std::string>{"203"});
  EXPECT_TRUE((*opened)[1].selected.empty());
  // With the secret key, each selection decrypts to what was chosen.
  const auto& council = cast.ballot.contests[0];
  for (size_t k = 0; k < 3; ++k) {
    const Point m = council.selections[k].vote.beta - secret_ * council.selections[k].vote.alpha;
    EXPECT_EQ(m, BaseTimes(uint64_t{k == 2 ? 1u : 0u}));
  }
  // Another ballot's randomness does not open it.
  EncryptedBallot other = Cast("voter-17", "2", district2_);
  EXPECT_FALSE(OpenBallot(manifest_, key_, cast.ballot, other.randomness).ok());
}

// A referendum of one option: a device that encrypted "no" (0) with randomness r, and a
// service that gives the check K' = K − r⁻¹·G, make the bare opening show "yes":
// β − r·K' = 0·G + r·K − r·K + G. The checked opening refuses that key, since the
// ballot's proofs were made under K.
TEST_F(BallotTest, TheCheckOpensOnlyUnderTheKeyTheProofsHold) {
  auto manifest = ParseManifest(Changed([](Json& j) {
    j["districts"].push_back({{"id", "3"}, {"name", "Pärnu"}, {"counties", {"Pärnu maakond"}}});
    j["contests"].push_back({{"id", "referendum-3"},
                             {"district", "3"},
                             {"title", "A new harbour?"},
                             {"min", 0},
                             {"max", 1},
                             {"options", {{{"id", "yes"}, {"name", "Yes"}, {"party", ""}}}}});
  }));
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  const std::vector<Choice> no = {{"referendum-3", {}}};
  auto cast = EncryptBallot(*manifest, key_, "voter-3", "3", no);
  ASSERT_TRUE(cast.ok()) << cast.status().message();
  auto inverse = cast->randomness[0][0].Inverse();
  ASSERT_TRUE(inverse.ok());
  const Point substituted = key_ - BaseTimes(*inverse);

  auto shown = OpenBallot(*manifest, substituted, cast->ballot, cast->randomness);
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  EXPECT_EQ((*shown)[0].selected, std::vector<std::string>{"yes"});  // the deception, unchecked

  auto refused = OpenCheckedBallot(*manifest, substituted, cast->ballot, cast->randomness);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("proofs do not hold"), std::string::npos) << refused.status().message();
  auto opened = OpenCheckedBallot(*manifest, key_, cast->ballot, cast->randomness);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_TRUE((*opened)[0].selected.empty());
  // A ballot whose contest the manifest does not have is refused before any proof.
  Ballot foreign = cast->ballot;
  foreign.contests[0].contest = "referendum-9";
  EXPECT_FALSE(OpenCheckedBallot(*manifest, key_, foreign, cast->randomness).ok());
}

TEST_F(BallotTest, RefusesChoicesOutsideTheRules) {
  auto refused = [&](std::string_view district, const std::vector<Choice>& choices, std::string_view reason) {
    auto b = EncryptBallot(manifest_, key_, "v", district, choices);
    ASSERT_FALSE(b.ok()) << reason;
    EXPECT_NE(b.status().message().find(reason), std::string::npos) << b.status().message();
  };
  refused("1", {{"council-1", {"101", "102"}}}, "takes 1 to 1 selections, not 2");
  refused("1", {{"council-1", {}}}, "not 0");
  refused("1", {{"council-1", {"999"}}}, "no option 999");
  refused("1", {{"council-2", {"201"}}}, "is not district 1's");
  refused("2", {{"council-2", {"201"}}}, "no choice for contest question-2");
  refused("2", {{"council-2", {"201"}}, {"council-2", {"202"}}, {"question-2", {}}}, "twice");
  refused("9", {}, "has no contests");
}

TEST_F(BallotTest, TravelsAsJsonAndBackUnchanged) {
  EncryptedBallot cast = Cast("voter-17", "2", district2_);
  const std::string json = BallotToJson(cast.ballot);
  auto parsed = ParseBallot(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(BallotToJson(*parsed), json);
  EXPECT_TRUE(VerifyBallot(manifest_, key_, "2", *parsed).ok());
  EXPECT_EQ(BallotHash(json).size(), 32u);
  EXPECT_NE(BallotHash(json), BallotHash(BallotToJson(Cast("voter-17", "2", district2_).ballot)));
}

TEST_F(BallotTest, NoPartOfOneBallotPassesInAnother) {
  EncryptedBallot cast = Cast("voter-17", "2", district2_);
  // The same ballot claimed by another voter (a copied ballot): its proofs are the
  // first voter's.
  Ballot copied = cast.ballot;
  copied.voter = "voter-18";
  EXPECT_NE(VerifyBallot(manifest_, key_, "2", copied).message().find("option 201: not shown to be 0 or 1"),
            std::string::npos);
  // For the wrong district, or another election.
  Ballot b = cast.ballot;
  EXPECT_FALSE(VerifyBallot(manifest_, key_, "1", b).ok());
  b.election[0] ^= 1;
  EXPECT_NE(VerifyBallot(manifest_, key_, "2", b).message().find("another election"), std::string::npos);
  // Two selections swapped: each proof is bound to its option.
  b = cast.ballot;
  std::swap(b.contests[0].selections[0], b.contests[0].selections[2]);
  EXPECT_FALSE(VerifyBallot(manifest_, key_, "2", b).ok());
  // A selection taken from another of the same voter's ballots: its proof is bound to
  // that ballot's ciphertexts, so it fails here.
  EncryptedBallot for_201 = Cast("voter-17", "2", {{"council-2", {"201"}}, {"question-2", {}}});
  b = cast.ballot;
  b.contests[0].selections[0] = for_201.ballot.contests[0].selections[0];
  EXPECT_NE(VerifyBallot(manifest_, key_, "2", b).message().find("option 201: not shown to be 0 or 1"),
            std::string::npos);
  // Two votes for one candidate, each selection honestly proven 0 or 1 as the format
  // says (ContextOf("selection", voter, SHA-256 of every α and β, contest, option)): the
  // contest's total of 2 has no proof within 1 to 1.
  // Built by hand from the format: `values` per contest, each selection proven 0 or 1,
  // the totals proven where they can be (else a proof from the honest ballot).
  auto by_hand = [&](const std::vector<std::vector<uint64_t>>& values) {
    std::vector<ContestBallot> contests(2);
    contests[0].contest = "council-2";
    contests[1].contest = "question-2";
    std::vector<std::vector<Scalar>> rs(2);
    Sha256Hasher h;
    for (size_t c = 0; c < 2; ++c) {
      for (uint64_t v : values[c]) {
        rs[c].push_back(Scalar::Random());
        contests[c].selections.push_back({Encrypt(key_, v, rs[c].back()), {}});
        h.Update(contests[c].selections.back().vote.alpha.Bytes());
        h.Update(contests[c].selections.back().vote.beta.Bytes());
      }
    }
    const std::string ciphertexts = DigestBytes(h.Finish());
    for (size_t c = 0; c < 2; ++c) {
      const Contest& contest = *manifest_.FindContest(contests[c].contest);
      Scalar r_total;
      uint64_t total = 0;
      for (size_t k = 0; k < values[c].size(); ++k) {
        contests[c].selections[k].proof = *ProveRange(
            manifest_.hash, ContextOf({"selection", "voter-17", ciphertexts, contest.id, contest.options[k].id}), key_,
            contests[c].selections[k].vote, values[c][k], rs[c][k], 0, 1);
        r_total = r_total + rs[c][k];
        total += values[c][k];
      }
      auto proof = ProveRange(manifest_.hash, ContextOf({"total", "voter-17", ciphertexts, contest.id}), key_,
                              contests[c].Total(), total, r_total, contest.min, contest.max);
      contests[c].total_proof = proof.ok() ? *proof : cast.ballot.contests[c].total_proof;
    }
    return Ballot{manifest_.hash, "voter-17", contests};
  };
  b = by_hand({{0, 1, 0}, {0, 1}});
  EXPECT_TRUE(VerifyBallot(manifest_, key_, "2", b).ok());  // the test follows the format
  b = by_hand({{1, 1, 0}, {0, 0}});
  auto st = VerifyBallot(manifest_, key_, "2", b);
  EXPECT_NE(st.message().find("council-2: the number of selections is not shown"), std::string::npos) << st.message();
  // A contest's selections dropped, or one added.
  b = cast.ballot;
  b.contests[0].selections.pop_back();
  EXPECT_NE(VerifyBallot(manifest_, key_, "2", b).message().find("3 options"), std::string::npos);
}

TEST_F(BallotTest, ParsingRefusesBadEncodingsWithThePath) {
  const std::string json = BallotToJson(Cast("voter-17", "2", district2_).ballot);
  auto refused = [&](const std::function<void(Json&)>& change, std::string_view reason) {
    Json j = *ParseJson(json);
    change(j);
    auto b = ParseBallot(j.dump());
    ASSERT_FALSE(b.ok()) << reason;
    EXPECT_NE(b.status().message().find(reason), std::string::npos) << b.status().message();
  };
  const std::string identity = Base64Encode(std::string(32, '\0'));
  refused([&](Json& j) { j["contests"][0]["selections"][1]["alpha"] = identity; },
          "ballot.contests[0].selections[1].alpha: a group element is the identity");
  refused([&](Json& j) { j["contests"][0]["selections"][0]["proof"][0]["a"] = Base64Encode(std::string(32, '\xff')); },
          "ballot.contests[0].selections[0].proof[0].a: not a canonical");
  refused([&](Json& j) { j["contests"][0]["selections"][0]["proof"][0]["v"] = Base64Encode(std::string(32, '\xff')); },
          "proof[0].v: a scalar is not below the group order");
  refused(
      [&](Json& j) {
        j["contests"][0]["selections"][0]["proof"][1]["c"] = j["contests"][0]["selections"][0]["proof"][0]["c"];
      },
      "proof[1]");
  refused([&](Json& j) { j["contests"][0]["selections"][0]["proof"][0].erase("c"); }, "proof[0]");
  refused([&](Json& j) { j["contests"][0]["selections"][0]["beta"] = Base64Encode(std::string(31, 'x')); }, "beta");
  refused([&](Json& j) { j["voter"] = ""; }, "ballot.voter is empty");
  refused([&](Json& j) { j["voter"] = std::string(65, 'v'); }, "ballot.voter");
  refused([&](Json& j) { j["format"] = "riik-ballot-v0"; }, "format");
  refused([&](Json& j) { j["election"] = "00"; }, "ballot.election");
  refused([&](Json& j) { j["contests"][0]["total_proof"] = Json::array(); }, "has no branches");
  refused(
      [&](Json& j) {
        Json branches = Json::array();
        for (int i = 0; i < 70; ++i) branches.push_back(j["contests"][0]["total_proof"][0]);
        j["contests"][0]["total_proof"] = branches;
      },
      "total_proof");
  EXPECT_FALSE(ParseBallot(std::string(kMaxBallotBytes + 1, ' ')).ok());
  EXPECT_FALSE(ParseBallot("[]").ok());
}

}  // namespace
}  // namespace riik::election

namespace riik::election {
namespace {

// Writes the seed corpora of fuzz/ballot_fuzz.cc and fuzz/election_manifest_fuzz.cc:
//   RIIK_BALLOT_CORPUS=fuzz/ballot_corpus RIIK_MANIFEST_CORPUS=fuzz/election_manifest_corpus
//   build/release/tests/election_test --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
// The ballots are encrypted under the fuzzer's key, 7·G.
TEST(ElectionFuzzCorpus, DISABLED_WriteFuzzCorpus) {
  const char* ballots = std::getenv("RIIK_BALLOT_CORPUS");
  const char* manifests = std::getenv("RIIK_MANIFEST_CORPUS");
  ASSERT_TRUE(ballots && manifests);
  auto write = [](const std::string& path, const std::string& body) { std::ofstream(path, std::ios::binary) << body; };
  Manifest manifest = TestManifest();
  const Point key = BaseTimes(uint64_t{7});
  auto one = EncryptBallot(manifest, key, "voter-1", "1", std::vector<Choice>{{"council-1", {"102"}}});
  auto two = EncryptBallot(manifest, key, "voter-2", "2",
                           std::vector<Choice>{{"council-2", {"201"}}, {"question-2", {"yes"}}});
  ASSERT_TRUE(one.ok() && two.ok());
  write(std::string(ballots) + "/valid_district1.json", BallotToJson(one->ballot));
  write(std::string(ballots) + "/valid_district2.json", BallotToJson(two->ballot));
  Ballot copied = two->ballot;
  copied.voter = "voter-3";
  write(std::string(ballots) + "/copied.json", BallotToJson(copied));
  write(std::string(ballots) + "/truncated.json", BallotToJson(one->ballot).substr(0, 300));
  write(std::string(manifests) + "/valid_test.json", TestManifestJson());
  write(std::string(manifests) + "/valid_canonical.json", manifest.text);
  write(std::string(manifests) + "/bad_date.json", Changed([](Json& j) { j["election_day"] = "2027-02-30"; }));
  write(std::string(manifests) + "/valid_officials.json", Changed([](Json& j) {
          j["paper_vote_officials"] = {std::string(64, 'a'), std::string(64, '0')};
        }));
}

}  // namespace
}  // namespace riik::election

namespace riik::election {
namespace {

// Many ballots in one batch: the same verdicts as one by one, and a bad one named.
TEST_F(BallotTest, ABatchHoldsOnlyIfEveryBallotDoes) {
  std::vector<Ballot> ballots;
  for (int i = 0; i < 12; ++i) {
    ballots.push_back(
        Cast("voter-" + std::to_string(i), "2", {{"council-2", {std::to_string(201 + i % 3)}}, {"question-2", {}}})
            .ballot);
  }
  ballots.push_back(Cast("voter-d1", "1", {{"council-1", {"104"}}}).ballot);
  auto check = [&](std::vector<Ballot> copy) {
    std::vector<BallotToCheck> batch;
    for (size_t i = 0; i < copy.size(); ++i) batch.push_back({i + 1 == copy.size() ? "1" : "2", &copy[i]});
    return VerifyBallots(manifest_, key_, batch);
  };
  EXPECT_TRUE(check(ballots).ok());
  // Each kind of change, in one ballot of the batch: found, and named.
  for (int field = 0; field < 8; ++field) {
    std::vector<Ballot> bad = ballots;
    auto& proof = bad[7].contests[0].selections[1].proof;
    switch (field) {
      case 0:
        proof.branches[0].response = proof.branches[0].response + Scalar::FromInt(1);
        break;
      case 1:
        proof.branches[1].a = proof.branches[1].a + Point::Generator();
        break;
      case 2:
        proof.branches[0].b = proof.branches[0].b + Point::Generator();
        break;
      case 3:
        bad[7].contests[0].total_proof.branches[0].response =
            bad[7].contests[0].total_proof.branches[0].response + Scalar::FromInt(1);
        break;
      case 4:
        bad[7].contests[0].selections[1].vote.beta = bad[7].contests[0].selections[1].vote.beta + Point::Generator();
        break;
      case 5:
        proof.branches[0].challenge = proof.branches[0].challenge + Scalar::FromInt(1);  // carried
        break;
      case 6:
        proof.branches.back().response = proof.branches.back().response + Scalar::FromInt(1);
        break;
      case 7:
        bad[7].contests[0].selections[1].vote.alpha = bad[7].contests[0].selections[1].vote.alpha + Point::Generator();
        break;
    }
    auto st = check(bad);
    ASSERT_FALSE(st.ok()) << field;
    EXPECT_EQ(st.message().rfind("ballot 7: ", 0), 0u) << st.message();
  }
  // A shape that is wrong is named before any proof is checked.
  std::vector<Ballot> short_one = ballots;
  short_one[3].contests.pop_back();
  EXPECT_EQ(check(short_one).message().rfind("ballot 3: the ballot has 1 contests", 0), 0u);
  std::vector<BallotToCheck> none;
  EXPECT_TRUE(VerifyBallots(manifest_, key_, none).ok());
}

}  // namespace
}  // namespace riik::election
