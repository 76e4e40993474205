// The auth role in a Node, beside the trust role that answers its OCSP questions: the
// bounds on what waits for threads. Anyone may post to /token (a client is authenticated
// only once its request is taken) and anyone may present a device binding, so a flood
// of either is answered at once, 503 with Retry-After and never cached, rather than
// queued without end in front of everyone's sign-ins (token_queue, for the node's
// blocking pool; bind_queue, for the role's eID checks, which wait on OCSP); the one
// that waited is answered once the threads free.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>

#include "auth/app_devices.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "net/client.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "support/full_line.h"
#include "support/temp_dir.h"

namespace riik::node {
namespace {

using riik::testing::FullLine;
using riik::testing::Waiting;

constexpr const char* kSignInClient = "EE/GOV/70000000/portal";
constexpr const char* kSignInSecret = "the portal's client secret";

// A trust role and an auth role (plain HTTP, for development) with its one client from a
// file, and the settings given.
Result<std::unique_ptr<Node>> StartSignIn(const std::string& dir, std::map<std::string, std::string> settings) {
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/passphrase", "a passphrase for the test CA\n", /*secret=*/true));
  Json clients = Json::array({Json{{"client_id", kSignInClient},
                                   {"name", "The portal"},
                                   {"token_endpoint_auth_method", "client_secret_basic"},
                                   {"secret_sha256", DigestHex(Sha256(kSignInSecret))},
                                   {"id_token_signed_response_alg", "ES256"},
                                   {"redirect_uris", {"https://portal.riik.test/callback"}}}});
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/clients.json", clients.dump(), /*secret=*/false));
  RoleConfig trust;
  trust.kind = trust.name = "trust";
  trust.settings = {{"passphrase_file", dir + "/passphrase"}};
  RoleConfig auth;
  auth.kind = auth.name = "auth";
  auth.settings = std::move(settings);
  auth.settings.insert({{"plain_http", "development"},
                        {"trust_root", dir + "/data/trust/root.pem"},
                        {"eid_ca", dir + "/data/trust/eid.pem"},
                        {"clients_file", dir + "/clients.json"}});
  NodeConfig config;
  config.data_dir = dir + "/data";
  config.roles = {trust, auth};  // the trust role first: it makes the CA the auth role reads
  return Node::Start(config);
}

class AuthRoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The eID checks wait on OCSP for longer than a slow (sanitizer) build takes to fill a
    // line while the responder is held.
    auto node =
        StartSignIn(dir_.path().string(), {{"token_queue", "1"}, {"bind_queue", "1"}, {"ocsp_timeout_ms", "30000"}});
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    url_ = node_->roles()[1].url;
  }

  // A token request from the registered client for a code no sign-in gave.
  Result<net::HttpResponse> Token() {
    net::Headers h;
    h.Add("Content-Type", "application/x-www-form-urlencoded");
    h.Add("Authorization", "Basic " + Base64Encode(std::string(kSignInClient) + ":" + kSignInSecret));
    return net::Fetch("POST", url_ + "/token", h,
                      "grant_type=authorization_code&code=no-such-code&redirect_uri=" +
                          net::PercentEncode("https://portal.riik.test/callback") +
                          "&code_verifier=" + std::string(43, 'v'));
  }

  // An eID authentication certificate of the trust role's CA for a P-384 key of the
  // person's, issued as the police desk does (the trust role's operator API).
  void EnrollPerson() {
    auto key = GenerateEcKey("P-384");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    person_key_ = std::move(*key);
    auto token = ReadFile(AdminTokenPath(dir_ / "data/trust"));
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    net::Headers h;
    h.Add("Content-Type", "application/json");
    h.Add("Authorization", "Bearer " + token->substr(0, token->find('\n')));
    Json body = {{"key", "auth"},
                 {"public_key", PublicKeyPem(person_key_.get()).value()},
                 {"code", "38001085718"},
                 {"given", "Jaan"},
                 {"surname", "Tamm"}};
    auto issued = net::Fetch("POST", node_->roles()[0].url + "/admin/issue-eid", h, body.dump());
    ASSERT_TRUE(issued.ok()) << issued.status().ToString();
    ASSERT_EQ(issued->status, 200) << issued->body;
    auto cert = ParseCertificatePem(StringOr(ParseJson(issued->body).value(), "pem"));
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    certificate_der_ = CertificateDer(cert->get());
  }

  // A new device key of the person's app, bound with PIN1 for a day, and its
  // presentation (signed by the device key), made ahead of sending.
  struct Presentation {
    net::Headers headers;
    std::string body;
  };
  Presentation NewDevice() {
    UniquePtr<EVP_PKEY> device = GenerateEcKey("P-256").value();
    auth::DeviceBinding b;
    b.certificate_der = certificate_der_;
    b.device_key_der = PublicKeyDer(device.get());
    b.issuer = url_;  // the role's issuer: its listener's URL, as no other is set
    b.expires_at = NowMicros() / 1'000'000 + 86'400;
    b.signature = auth::SignAppHash(person_key_.get(), auth::DeviceBindingHash(b)).value();
    Presentation p;
    p.headers.Add("Content-Type", "application/json");
    p.headers.Add("Authorization",
                  auth::DeviceAuthorization(auth::SignDeviceBind(device.get(), NowMicros() / 1'000'000, b).value()));
    p.body = auth::DeviceBindingJson(b).dump();
    return p;
  }
  // Presented: the service checks the binding (the eID checks, OCSP included) and names
  // the device.
  Result<net::HttpResponse> Present(const Presentation& p) {
    return net::Fetch("POST", url_ + "/app/v1/devices", p.headers, p.body);
  }

  // The OAuth error an answer carries.
  static std::string ErrorOf(const net::HttpResponse& r) {
    auto body = ParseJson(r.body);
    return body.ok() ? StringOr(*body, "error") : "(not JSON: " + r.body + ")";
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  std::string url_;
  UniquePtr<EVP_PKEY> person_key_;
  std::string certificate_der_;
};

TEST_F(AuthRoleTest, TokenRequestsBeyondTheirLineAreTurnedAwayAtOnceAndTheOneThatWaitedIsAnswered) {
  auto answered = Token();
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_EQ(answered->status, 400) << answered->body;
  EXPECT_EQ(ErrorOf(*answered), "invalid_grant") << answered->body;  // the client passed; the code did not

  FullLine line(node_->blocking(), "auth", "tokens");
  std::optional<net::HttpResponse> refused = line.Refused([this] { return Token(); });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(ErrorOf(*refused), "temporarily_unavailable") << refused->body;

  Result<net::HttpResponse> waited = line.Answered();
  ASSERT_TRUE(waited.ok()) << waited.status().ToString();
  EXPECT_EQ(waited->status, 400) << waited->body;
  EXPECT_EQ(ErrorOf(*waited), "invalid_grant") << waited->body;
}

TEST_F(AuthRoleTest, DeviceBindingsBeyondTheirLineAreTurnedAwayAtOnceWhileTheChecksWaitOnOcsp) {
  ASSERT_NO_FATAL_FAILURE(EnrollPerson());
  auto bound = Present(NewDevice());
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  ASSERT_EQ(bound->status, 200) << bound->body;

  // Four more devices, their keys and PIN1 signatures made before anything is held.
  const Presentation devices[] = {NewDevice(), NewDevice(), NewDevice(), NewDevice()};
  std::atomic<int> next{2};  // the line's: the third, then the fourth
  // The role's two check threads each wait on the OCSP responder (which answers from the
  // node's blocking pool, held here), then one binding waits in the line for them.
  std::future<Result<net::HttpResponse>> first, second;  // answered after the line frees the pool
  FullLine line(node_->blocking(), "auth", "binds");
  line.Hold();
  first = std::async(std::launch::async, [&] { return Present(devices[0]); });
  ASSERT_TRUE(Waiting("trust", "ocsp", 1)) << "the first binding's check did not ask OCSP";
  second = std::async(std::launch::async, [&] { return Present(devices[1]); });
  ASSERT_TRUE(Waiting("trust", "ocsp", 2)) << "the second binding's check did not ask OCSP";
  std::optional<net::HttpResponse> refused = line.Refused([&] { return Present(devices[next.fetch_add(1)]); });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_NE(refused->body.find("too many device bindings are being checked"), std::string::npos) << refused->body;

  // Freed before the checks' OCSP requests time out (ocsp_timeout_ms): all three pass.
  std::vector<Result<net::HttpResponse>> answers;
  answers.push_back(line.Answered());
  answers.push_back(first.get());
  answers.push_back(second.get());
  for (const auto& r : answers) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200) << r->body;
  }
}

TEST(AuthRoleSettingsTest, ALineSettingOutOfRangeIsNamed) {
  riik::testing::TempDir dir;
  auto node = StartSignIn(dir.path().string(), {{"bind_queue", "0"}});
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find("auth.bind_queue must be a whole number from 1"), std::string::npos)
      << node.status().ToString();
}

}  // namespace
}  // namespace riik::node
