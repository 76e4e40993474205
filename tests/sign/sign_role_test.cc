// The validation service (role sign) in a Node: a container posted to /validate comes
// back with its report only once the validation is recorded in the service's signed log;
// the record is found under the container's hash, with proofs; what is not a container
// gets a report that says so; the role refuses to start without mutual TLS unless told
// it is a development setup.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "crypto/sha256.h"
#include "net/client.h"
#include "net/server.h"
#include "node/node.h"
#include "sign_fixture.h"
#include "trust/test_ca.h"
#include "validation/validation_record.h"

namespace riik::sign {
namespace {

class SignRoleTest : public SignFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SignFixture::SetUp());
    net::Router router;
    router.Add("POST", "/tsa", [this](const net::HttpRequest& req) {
      return net::TextResponse(tsa_->Respond(req.body), "application/timestamp-reply");
    });
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    tsa_server_ = std::move(*server);
    // The service's member signing certificate (P-256), for its log's tree heads.
    auto key = GenerateEcKey("P-256");
    auto rec = trust::IssueMemberSigning(*ca_, key->get(), "EE/GOV/70006317 signing");
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    std::ofstream(dir_ / "sign.pem") << rec->pem << CertificatePem(ca_->org_certificate());
    ASSERT_TRUE(WriteFileAtomic(dir_ / "sign.key", *PrivateKeyPem(key->get()), /*secret=*/true).ok());
  }

  node::NodeConfig Config(bool development) {
    node::RoleConfig role;
    role.kind = "sign";
    role.name = "sign";
    role.settings = {{"trust_root", ca_->RootPemPath()},
                     {"signing_cert", dir_ / "sign.pem"},
                     {"signing_key", dir_ / "sign.key"},
                     {"tsa_url", tsa_server_->url() + "/tsa"}};
    if (development) role.settings["plain_http"] = "development";
    node::NodeConfig config;
    config.data_dir = dir_ / "data";
    config.roles = {role};
    return config;
  }

  std::unique_ptr<net::HttpServer> tsa_server_;
};

TEST_F(SignRoleTest, ValidatesRecordsAndFindsTheRecordByTheContainersHash) {
  auto node = node::Node::Start(Config(true));
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  std::string url = (*node)->roles()[0].url;
  Container c = TwoFiles();
  ASSERT_TRUE(SignWith(*mari_, c).ok());
  std::string bytes = *WriteContainer(c);
  net::Headers h;
  h.Add("Content-Type", "application/vnd.etsi.asic-e+zip");
  h.Add("X-Road-Client", "EE/GOV/70000349/tax");
  h.Add("X-Road-UserId", "EE48705120271");
  h.Add("X-Road-Issue", "income tax return 2026");
  auto resp = net::Fetch("POST", url + "/validate", h, bytes);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->status, 200) << resp->body;
  auto answer = ParseJson(resp->body);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ((*answer)["report"]["verdict"], "VALID");
  EXPECT_EQ((*answer)["report"]["signatures"][0]["signer_id"], "PNOEE-48705120271");
  EXPECT_EQ((*answer)["record"]["log_id"], "validation:EE/GOV/70006317/sign");
  std::string sha = DigestHex(Sha256(bytes));
  EXPECT_EQ((*answer)["report"]["container_sha256"], sha);

  // The record, once the log's head is timestamped: under the container's hash, naming
  // the caller, with the hash of the very report answered.
  Result<net::HttpResponse> found = Unavailable("not asked");
  for (int i = 0; i < 200; ++i) {
    found = net::Fetch("GET", url + "/validations/" + sha);
    if (found.ok() && found->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(found.ok() && found->status == 200) << (found.ok() ? found->body : found.status().ToString());
  auto entries = ParseJson(found->body);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ((*entries)["entries"].size(), 1u) << found->body;
  EXPECT_NE(found->body.find("EE/GOV/70000349/tax"), std::string::npos) << found->body;
  std::string report_text = (*answer)["report"].dump();
  EXPECT_NE(found->body.find(DigestHex(Sha256(report_text))), std::string::npos)
      << "the record holds the hash of the report as answered";

  // Not a container: a report that says so, recorded too.
  auto junk = net::Fetch("POST", url + "/validate", h, "not a zip");
  ASSERT_TRUE(junk.ok());
  EXPECT_EQ(junk->status, 200);
  EXPECT_NE(junk->body.find("\"verdict\":\"INVALID\""), std::string::npos) << junk->body;
  // The wrong media type, and a malformed hash.
  net::Headers text;
  text.Add("Content-Type", "text/plain");
  EXPECT_EQ(net::Fetch("POST", url + "/validate", text, bytes)->status, 415);
  EXPECT_EQ(net::Fetch("GET", url + "/validations/ABC")->status, 400);
}

TEST_F(SignRoleTest, RefusesPlainHttpUnlessDevelopment) {
  auto node = node::Node::Start(Config(false));
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find("mutual TLS"), std::string::npos) << node.status().ToString();
}

}  // namespace
}  // namespace riik::sign
