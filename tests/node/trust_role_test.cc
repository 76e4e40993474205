// The trust role in a Node: OCSP and RFC 3161 answers that standard clients read, and
// the bounds on what waits for the node's blocking pool (ocsp_queue, tsa_queue). A query
// beyond the bound is answered at once, not taken (Retry-After, never cached), in the
// protocol's own words: OCSP's tryLater, the TSA's rejection; the one that waited is
// answered once the pool frees, and the role serves as before.
#include <gtest/gtest.h>

#include "core/file.h"
#include "net/client.h"
#include "node/node.h"
#include "support/full_line.h"
#include "support/shell.h"
#include "support/temp_dir.h"

namespace riik::node {
namespace {

using riik::testing::FullLine;
using riik::testing::Shell;

class TrustRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteFileAtomic(dir_ / "passphrase", "a passphrase for the test CA\n", /*secret=*/true).ok());
    RoleConfig role;
    role.kind = role.name = "trust";
    role.settings = {{"passphrase_file", dir_ / "passphrase"}, {"ocsp_queue", "1"}, {"tsa_queue", "1"}};
    NodeConfig config;
    config.data_dir = dir_ / "data";
    config.roles = {role};
    auto node = Node::Start(config);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    url_ = node_->roles()[0].url;
    const std::string ca = dir_ / "data/trust";
    Shell("openssl ocsp -issuer " + ca + "/org.pem -cert " + ca + "/ocsp-org.pem -no_nonce -reqout " +
          (dir_ / "ocsp.der"));
    Shell("echo 'a document' > " + (dir_ / "doc") + " && openssl ts -query -data " + (dir_ / "doc") +
          " -sha256 -cert -out " + (dir_ / "query.tsq"));
    auto ocsp = ReadFile(dir_ / "ocsp.der");
    auto tsq = ReadFile(dir_ / "query.tsq");
    ASSERT_TRUE(ocsp.ok() && !ocsp->empty() && tsq.ok() && !tsq->empty()) << "openssl made no requests";
    ocsp_request_ = *ocsp;
    ts_query_ = *tsq;
  }

  Result<net::HttpResponse> Ocsp() { return Post("/ocsp", "application/ocsp-request", ocsp_request_); }
  Result<net::HttpResponse> Timestamp() { return Post("/tsa", "application/timestamp-query", ts_query_); }
  Result<net::HttpResponse> Post(const std::string& path, const std::string& type, const std::string& body) {
    net::Headers h;
    h.Add("Content-Type", type);
    return net::Fetch("POST", url_ + path, h, body);
  }

  // What `openssl ocsp` or `openssl ts` makes of an answer.
  std::string OcspText(const net::HttpResponse& r) {
    EXPECT_TRUE(WriteFileAtomic(dir_ / "answer.der", r.body, /*secret=*/false).ok());
    return Shell("openssl ocsp -respin " + (dir_ / "answer.der") + " -resp_text -noverify");
  }
  std::string TsaText(const net::HttpResponse& r) {
    EXPECT_TRUE(WriteFileAtomic(dir_ / "answer.tsr", r.body, /*secret=*/false).ok());
    return Shell("openssl ts -reply -in " + (dir_ / "answer.tsr") + " -text");
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  std::string url_, ocsp_request_, ts_query_;
};

TEST_F(TrustRoleTest, OcspBeyondItsQueueIsAnsweredTryLaterAndTheQueuedOneIsAnsweredOnceThePoolFrees) {
  auto good = Ocsp();
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_EQ(good->status, 200);
  EXPECT_NE(OcspText(*good).find("Cert Status: good"), std::string::npos) << OcspText(*good);

  FullLine line(node_->blocking(), "trust", "ocsp");
  std::optional<net::HttpResponse> refused = line.Refused([this] { return Ocsp(); });
  ASSERT_TRUE(refused.has_value());
  const net::HttpResponse& busy = *refused;
  EXPECT_EQ(busy.status, 200);  // as every OCSP answer; its status says tryLater
  EXPECT_EQ(busy.headers.Get("Content-Type"), "application/ocsp-response");
  EXPECT_NE(OcspText(busy).find("trylater (3)"), std::string::npos) << OcspText(busy);

  Result<net::HttpResponse> answered = line.Answered();
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_NE(OcspText(*answered).find("Cert Status: good"), std::string::npos) << OcspText(*answered);
  auto again = Ocsp();
  ASSERT_TRUE(again.ok());
  EXPECT_NE(OcspText(*again).find("Cert Status: good"), std::string::npos);
}

TEST_F(TrustRoleTest, QueriesBeyondTheTsasQueueAreRejectedIn3161sWordsAndTheQueuedOneIsGranted) {
  auto granted = Timestamp();
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  ASSERT_EQ(granted->status, 200);
  EXPECT_NE(TsaText(*granted).find("Status: Granted"), std::string::npos) << TsaText(*granted);

  FullLine line(node_->blocking(), "trust", "tsa");
  std::optional<net::HttpResponse> refused = line.Refused([this] { return Timestamp(); });
  ASSERT_TRUE(refused.has_value());
  const net::HttpResponse& busy = *refused;
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.headers.Get("Content-Type"), "application/timestamp-reply");
  const std::string text = TsaText(busy);
  EXPECT_NE(text.find("Status: Rejected."), std::string::npos) << text;
  EXPECT_NE(text.find("due to system failure"), std::string::npos) << text;
  EXPECT_NE(text.find("the TSA is busy: send the query again in a moment"), std::string::npos) << text;

  Result<net::HttpResponse> answered = line.Answered();
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_NE(TsaText(*answered).find("Status: Granted"), std::string::npos) << TsaText(*answered);
}

TEST(TrustRoleSettingsTest, AQueueSettingOutOfRangeIsNamed) {
  riik::testing::TempDir dir;
  RoleConfig role;
  role.kind = role.name = "trust";
  role.settings = {{"passphrase_file", dir / "passphrase"}, {"ocsp_queue", "0"}};
  NodeConfig config;
  config.data_dir = dir / "data";
  config.roles = {role};
  auto node = Node::Start(config);
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find("trust.ocsp_queue must be a whole number from 1"), std::string::npos)
      << node.status().ToString();
}

}  // namespace
}  // namespace riik::node
