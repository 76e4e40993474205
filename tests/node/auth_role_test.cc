// The auth role in a Node, beside the trust role that answers its OCSP questions: the
// bounds on what waits for threads. Anyone may post to /token (a client is authenticated
// only once its request is taken), present a device binding, answer a request in a
// person's app, or send a Web eID token from a sign-in page anyone may open, so a flood
// of any is answered at once, 503 with Retry-After and never cached, rather than queued
// without end in front of everyone's sign-ins (token_queue, for the node's blocking pool;
// bind_queue, answer_queue and idcard_queue, for the role's eID checks, which wait on
// OCSP); the one that waited is answered once the threads free.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "auth/app_confirm.h"
#include "auth/app_devices.h"
#include "auth/webeid.h"
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
    auto node = StartSignIn(dir_.path().string(), {{"token_queue", "1"},
                                                   {"bind_queue", "1"},
                                                   {"answer_queue", "1"},
                                                   {"idcard_queue", "1"},
                                                   {"ocsp_timeout_ms", "30000"}});
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
    std::shared_ptr<EVP_PKEY> key;
  };
  Presentation NewDevice() {
    std::shared_ptr<EVP_PKEY> device(GenerateEcKey("P-256").value().release(), EVP_PKEY_free);
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
    p.key = device;
    return p;
  }
  // Presented: the service checks the binding (the eID checks, OCSP included) and names
  // the device.
  Result<net::HttpResponse> Present(const Presentation& p) {
    return net::Fetch("POST", url_ + "/app/v1/devices", p.headers, p.body);
  }

  // A sign-in at the registered client, started in a browser of its own and sent to the
  // person's app by their personal code, as the sign-in page's form does.
  struct SignInPage {
    std::string path;      // /login/{request}
    net::Headers browser;  // its cookie
    std::string csrf;      // the page's token
  };
  void OpenSignInPage(SignInPage* out) {
    const std::string authorize =
        url_ + "/authorize?response_type=code&scope=openid&state=state-of-the-test&nonce=nonce-of-the-test" +
        "&client_id=" + net::PercentEncode(kSignInClient) +
        "&redirect_uri=" + net::PercentEncode("https://portal.riik.test/callback") +
        "&code_challenge=" + std::string(43, 'c') + "&code_challenge_method=S256";
    auto login = net::Fetch("GET", authorize);
    ASSERT_TRUE(login.ok()) << login.status().ToString();
    ASSERT_EQ(login->status, 303) << login->body;
    const std::string path(login->headers.Get("Location"));
    const std::string set_cookie(login->headers.Get("Set-Cookie"));
    ASSERT_TRUE(path.starts_with("/login/")) << path;
    net::Headers browser;
    browser.Add("Cookie", set_cookie.substr(0, set_cookie.find(';')));
    auto page = net::Fetch("GET", url_ + path, browser);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    const size_t at = page->body.find("data-csrf=\"");
    ASSERT_NE(at, std::string::npos) << "the sign-in page has no CSRF token";
    *out = {path, browser, page->body.substr(at + 11, page->body.find('"', at + 11) - at - 11)};
  }
  // The person's code typed on a new sign-in page (`out`, if given: the page, with the
  // cookie the browser was given for it then).
  void StartAppSignIn(SignInPage* out = nullptr) {
    SignInPage page;
    ASSERT_NO_FATAL_FAILURE(OpenSignInPage(&page));
    net::Headers form = page.browser;
    form.Add("Content-Type", "application/x-www-form-urlencoded");
    auto sent = net::Fetch("POST", url_ + page.path + "/app", form, "personal_code=38001085718&csrf=" + page.csrf);
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    ASSERT_EQ(sent->status, 303) << sent->body;
    const std::string set_cookie(sent->headers.Get("Set-Cookie"));
    ASSERT_FALSE(set_cookie.empty()) << "starting the app gave the browser no new id";
    // Only the browser that started it follows the sign-in from here: not the id before.
    auto before = net::Fetch("GET", url_ + page.path, page.browser);
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    EXPECT_EQ(before->status, 404) << "the browser's id from before the app's start still opens the sign-in";
    page.browser.Set("Cookie", set_cookie.substr(0, set_cookie.find(';')));
    page.browser.Add("Content-Type", "application/x-www-form-urlencoded");
    if (out) *out = page;
  }

  // The ID-card sign-in of that page, ready to send: the Web eID token over the page's
  // challenge, signed by the person's card.
  struct IdCardLogin {
    std::string to;
    net::Headers headers;
    std::string token;
  };
  void PrepareIdCardLogin(IdCardLogin* out) {
    SignInPage page;
    ASSERT_NO_FATAL_FAILURE(OpenSignInPage(&page));
    page.browser.Add("X-CSRF-Token", page.csrf);
    auto challenge = net::Fetch("POST", url_ + page.path + "/idcard/challenge", page.browser);
    ASSERT_TRUE(challenge.ok()) << challenge.status().ToString();
    ASSERT_EQ(challenge->status, 200) << challenge->body;
    auto cert = ParseCertificateDer(certificate_der_);
    ASSERT_TRUE(cert.ok());
    auto token = auth::MakeWebEidToken(person_key_.get(), cert->get(), url_,
                                       StringOr(ParseJson(challenge->body).value(), "nonce"));
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    page.browser.Add("Content-Type", "application/json");
    *out = {url_ + page.path + "/idcard", page.browser, *token};
  }

  // What waits in the person's app, as its device (bound first, once) lists it.
  std::vector<Json> WaitingInTheApp() {
    if (!app_device_) {
      Presentation device = NewDevice();
      auto bound = Present(device);
      EXPECT_TRUE(bound.ok() && bound->status == 200) << (bound.ok() ? bound->body : bound.status().ToString());
      app_device_ = device.key;
    }
    net::Headers h;
    h.Add("Authorization",
          auth::DeviceAuthorization(auth::SignDevicePoll(app_device_.get(), NowMicros() / 1'000'000, url_).value()));
    auto listed = net::Fetch("GET", url_ + "/app/v1/requests", h);
    EXPECT_TRUE(listed.ok() && listed->status == 200) << (listed.ok() ? listed->body : listed.status().ToString());
    std::vector<Json> out;
    if (!listed.ok()) return out;
    auto body = ParseJson(listed->body);
    if (body.ok() && body->contains("requests")) {
      for (const Json& r : (*body)["requests"]) out.push_back(r);
    }
    return out;
  }

  // With the node's blocking pool held, the role's two eID check threads each wait on the
  // OCSP responder (which answers from that pool) for `send(0)` and `send(1)`; `send(2)`
  // then waits in the role's line `queue` (its setting at 1), and `send(3)` is turned
  // away at once: its answer. Freed, the first three's answers.
  struct Filled {
    std::optional<net::HttpResponse> refused;
    std::vector<Result<net::HttpResponse>> answered;
  };
  Filled FillTheChecks(const std::string& queue, const std::function<Result<net::HttpResponse>(int)>& send) {
    Filled out;
    std::atomic<int> next{2};
    std::future<Result<net::HttpResponse>> first, second;  // answered after the line frees the pool
    FullLine line(node_->blocking(), "auth", queue);
    line.Hold();
    first = std::async(std::launch::async, send, 0);
    if (!Waiting("trust", "ocsp", 1)) {
      ADD_FAILURE() << "the first " << queue << " check did not ask OCSP";
      return out;
    }
    second = std::async(std::launch::async, send, 1);
    if (!Waiting("trust", "ocsp", 2)) {
      ADD_FAILURE() << "the second " << queue << " check did not ask OCSP";
      return out;
    }
    out.refused = line.Refused([&] { return send(next.fetch_add(1)); });
    out.answered.push_back(line.Answered());
    out.answered.push_back(first.get());
    out.answered.push_back(second.get());
    return out;
  }

  // The line's refusal said `busy` (503), and the three that went through it passed once
  // freed.
  static void ExpectTurnedAwayThenPassed(const Filled& filled, const std::string& busy) {
    ASSERT_TRUE(filled.refused.has_value());
    EXPECT_EQ(filled.refused->status, 503) << filled.refused->body;
    EXPECT_NE(filled.refused->body.find(busy), std::string::npos) << filled.refused->body;
    ASSERT_EQ(filled.answered.size(), 3u);
    for (const auto& r : filled.answered) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->status, 200) << r->body;
    }
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
  std::shared_ptr<EVP_PKEY> app_device_;  // the device WaitingInTheApp looks with
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
  Filled filled = FillTheChecks("binds", [&](int i) { return Present(devices[i]); });
  // Freed before the checks' OCSP requests time out (ocsp_timeout_ms): all three pass.
  ASSERT_NO_FATAL_FAILURE(ExpectTurnedAwayThenPassed(filled, "too many device bindings are being checked"));
}

// "I have confirmed" pressed before the app has answered leads back to the waiting page,
// however often, and leaves nothing behind for the housekeeping to call later.
TEST_F(AuthRoleTest, ConfirmingBeforeTheAppAnswersShowsTheWaitingPageAgain) {
  ASSERT_NO_FATAL_FAILURE(EnrollPerson());
  SignInPage page;
  ASSERT_NO_FATAL_FAILURE(StartAppSignIn(&page));
  for (int i = 0; i < 3; ++i) {
    auto pressed = net::Fetch("POST", url_ + page.path + "/app/continue", page.browser, "csrf=" + page.csrf);
    ASSERT_TRUE(pressed.ok()) << pressed.status().ToString();
    EXPECT_EQ(pressed->status, 303) << pressed->body;
    EXPECT_EQ(pressed->headers.Get("Location"), page.path);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a housekeeping round
  auto cancelled = net::Fetch("POST", url_ + page.path + "/cancel", page.browser, "csrf=" + page.csrf);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, 303) << cancelled->body;
}

// The sign-in page's forms taken only from its own pages, as the browser says: a page of
// another service on the same host (the same site, so its posts carry the SameSite
// cookie) that began the sign-in itself knows its CSRF token, and must not drive a
// browser that has the cookie through it.
TEST_F(AuthRoleTest, AFormPostedFromAnotherSiteOnTheHostIsRefused) {
  ASSERT_NO_FATAL_FAILURE(EnrollPerson());
  SignInPage page;
  ASSERT_NO_FATAL_FAILURE(OpenSignInPage(&page));
  const std::string body = "personal_code=38001085718&csrf=" + page.csrf;
  auto post = [&](const char* header, const std::string& value, const std::string& site = "same-origin") {
    net::Headers h = page.browser;
    h.Add("Content-Type", "application/x-www-form-urlencoded");
    h.Add(header, value);
    h.Add("Sec-Fetch-Site", site);
    return net::Fetch("POST", url_ + page.path + "/app", h, body);
  };
  for (const auto& [origin, site] : std::vector<std::pair<std::string, std::string>>{
           {"https://127.0.0.1:1", "same-site"}, {"null", "same-site"}, {url_, "same-site"}, {"null", "same-origin"}}) {
    auto refused = post("Origin", origin, site);
    ASSERT_TRUE(refused.ok()) << refused.status().ToString();
    EXPECT_EQ(refused->status, 403) << origin << ", " << site;
  }
  // The page's own post, as a browser sends it (its Referrer-Policy keeps its Origin).
  auto page_headers = net::Fetch("GET", url_ + page.path, page.browser);
  ASSERT_TRUE(page_headers.ok());
  EXPECT_EQ(page_headers->headers.Get("Referrer-Policy"), "same-origin");
  auto own = post("Origin", url_);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->status, 303) << own->body;
  EXPECT_FALSE(own->headers.Get("Set-Cookie").empty());
}

TEST_F(AuthRoleTest, AppAnswersBeyondTheirLineAreTurnedAwayAtOnceWhileTheChecksWaitOnOcsp) {
  ASSERT_NO_FATAL_FAILURE(EnrollPerson());
  // Three sign-ins sent to the person's app, its answers (PIN1 over each sign-in's
  // statement) made before anything is held; the fourth answer is the third's again.
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(StartAppSignIn());
  std::vector<Json> requests = WaitingInTheApp();
  ASSERT_EQ(requests.size(), 3u);
  struct Answer {
    std::string to, body;
  };
  std::vector<Answer> answers;
  for (const Json& r : requests) {
    const std::string hash = Base64Decode(StringOr(r, "hash")).value();
    const std::string signature = auth::SignAppHash(person_key_.get(), auth::SignInHash(url_, hash)).value();
    answers.push_back(
        {url_ + "/app/v1/requests/" + StringOr(r, "id"),
         Json{{"certificate", Base64Encode(certificate_der_)}, {"signature", Base64Encode(signature)}}.dump()});
  }
  answers.push_back(answers.back());
  auto post = [&](int i) {
    net::Headers h;
    h.Add("Content-Type", "application/json");
    return net::Fetch("POST", answers[i].to, h, answers[i].body);
  };
  Filled filled = FillTheChecks("answers", post);
  // The three sign-ins are confirmed once the responder answers again.
  ASSERT_NO_FATAL_FAILURE(ExpectTurnedAwayThenPassed(filled, "too many answers are being checked"));
  EXPECT_TRUE(WaitingInTheApp().empty());
}

TEST_F(AuthRoleTest, IdCardSignInsBeyondTheirLineAreTurnedAwayAtOnceWhileTheChecksWaitOnOcsp) {
  ASSERT_NO_FATAL_FAILURE(EnrollPerson());
  // Three sign-ins, each with its Web eID token made before anything is held; the fourth
  // is the third's again.
  std::vector<IdCardLogin> logins(3);
  for (IdCardLogin& login : logins) ASSERT_NO_FATAL_FAILURE(PrepareIdCardLogin(&login));
  logins.push_back(logins.back());
  Filled filled = FillTheChecks(
      "idcard", [&](int i) { return net::Fetch("POST", logins[i].to, logins[i].headers, logins[i].token); });
  // Each sign-in goes on to the service once the responder answers again.
  ASSERT_NO_FATAL_FAILURE(ExpectTurnedAwayThenPassed(filled, "too many sign-ins are being checked"));
  for (const auto& r : filled.answered) {
    EXPECT_NE(r->body.find("portal.riik.test/callback?code="), std::string::npos) << r->body;
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
