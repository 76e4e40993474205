// The vote role in a Node: the published record's files are public (anyone checks an
// election), and each is looked up on the node's blocking pool, so a flood of record
// requests waits there only up to record_queue and the rest are told at once to come back
// (503, Retry-After, never cached); the one that waited is answered once the pool frees.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/key_ceremony.h"
#include "election/manifest.h"
#include "election/record_json.h"
#include "election/test_manifest.h"
#include "election/voter_list.h"
#include "net/client.h"
#include "node/node.h"
#include "support/full_line.h"
#include "support/temp_dir.h"
#include "trust/test_ca.h"

namespace riik::node {
namespace {

using riik::testing::FullLine;

// The test election's manifest, open from an hour ago for two hours, its board's key the
// one given.
std::string OpenManifest(EVP_PKEY* board_key) {
  Json manifest = Json::parse(election::testing::TestManifestJson(DigestHex(Sha256(PublicKeyDer(board_key)))));
  const UnixMicros now = NowMicros();
  manifest["opens"] = FormatRfc3339Seconds(now - 3600'000'000LL);
  manifest["closes"] = FormatRfc3339Seconds(now + 3600'000'000LL);
  manifest["election_day"] = "2030-03-05";
  return manifest.dump();
}

class VoteRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The state's CA, and the board's signer: a member signing certificate whose key the
    // manifest pins.
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    auto board_key = GenerateEcKey("P-256");
    ASSERT_TRUE(board_key.ok());
    auto board_cert = trust::IssueMemberSigning(*test_ca.ca, board_key->get(), "EE/GOV/74000026/vote",
                                                "Riigi Valimisteenistus", "NTREE-74000026");
    ASSERT_TRUE(board_cert.ok()) << board_cert.status().ToString();
    const std::string d = dir_.path().string();
    auto write = [](const std::string& path, const std::string& text, bool secret) {
      Status written = WriteFileAtomic(path, text, secret);
      EXPECT_TRUE(written.ok()) << path << ": " << written.ToString();
    };
    write(d + "/root.pem", CertificatePem(test_ca.ca->root_certificate()), false);
    write(d + "/board.pem", board_cert->pem + CertificatePem(test_ca.ca->org_certificate()), false);
    write(d + "/board.key", PrivateKeyPem(board_key->get()).value(), true);

    // The election's directory: its manifest, the trustees' ceremony, one voter.
    const std::string manifest_json = OpenManifest(board_key->get());
    auto manifest = election::ParseManifest(manifest_json);
    ASSERT_TRUE(manifest.ok()) << manifest.status().message();
    std::vector<election::TrusteeCommitments> ceremony;
    for (uint32_t i = 1; i <= 5; ++i) {
      ceremony.push_back(election::Commit(manifest->hash, i, election::NewPolynomial(3)));
    }
    election::VoterList voters;
    ASSERT_TRUE(voters.Add(std::string(64, 'a'), "1").ok());
    ASSERT_TRUE(MakePrivateDirectory(d + "/election").ok());
    write(d + "/election/manifest.json", manifest_json, false);
    write(d + "/election/ceremony.json", election::CeremonyToJson(ceremony), false);
    write(d + "/election/voters.jsonl", voters.ToJsonLines(), false);

    RoleConfig vote;
    vote.kind = vote.name = "vote";
    vote.settings = {{"plain_http", "development"},      {"election_dir", d + "/election"},
                     {"signing_cert", d + "/board.pem"}, {"signing_key", d + "/board.key"},
                     {"trust_root", d + "/root.pem"},    {"record_queue", "1"}};
    NodeConfig config;
    config.data_dir = d + "/data";
    config.roles = {vote};
    auto node = Node::Start(config);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    url_ = node_->roles()[0].url;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  std::string url_;
};

TEST_F(VoteRoleTest, RecordLookupsWaitOnlyUpToTheirLineAndTheRestAreToldToComeBack) {
  auto record = [this] { return net::Fetch("GET", url_ + "/record/tally.json", {}, ""); };
  // Nothing published yet: said so, from the pool.
  auto before = record();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->status, 404) << before->body;
  EXPECT_NE(before->body.find("not published yet"), std::string::npos) << before->body;

  FullLine line(node_->blocking(), "vote", "record");
  std::optional<net::HttpResponse> refused = line.Refused(record);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  auto waited = line.Answered();
  ASSERT_TRUE(waited.ok()) << waited.status().ToString();
  EXPECT_EQ(waited->status, 404) << waited->body;
  EXPECT_NE(waited->body.find("not published yet"), std::string::npos) << waited->body;
}

}  // namespace
}  // namespace riik::node
