// A web service signing a browser in (node/web_sign_in.h): when a session has ended
// (idle, or old); and, against a provider in this process that answers as the sign-in
// service does (discovery, JWKS, the token endpoint, ID and logout tokens signed ES256),
// with the service's clock in the test's hands: the code flow with PKCE ends in a
// session; the session ends when idle or old, and is then forgotten, not only hidden;
// a code that comes back in another browser, a code the provider refuses and an ID token
// for another sign-in make no session; sign-ins started by others push out none under
// way, one comes back within 10 minutes with a state this service made, and every answer
// to it ends its cookie; the provider's back-channel logout ends the sessions of its sid.
#include "node/web_sign_in.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "auth/clients.h"
#include "auth/jose.h"
#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "net/server.h"

namespace riik::node {
namespace {

constexpr UnixMicros kMinute = 60'000'000;
constexpr const char* kClient = "EE/GOV/70000000/portal";
constexpr const char* kSecret = "the portal's client secret";
constexpr const char* kCode = "code-of-the-sign-in";
constexpr const char* kPerson = "EE38001085718";
constexpr const char* kLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
constexpr const char* kRedirect = "https://portal.riik.test/callback";
constexpr std::string_view kSessionCookie = "rp_session=";

// The Set-Cookie field with which `r` sets the cookie `name` ("name="), whole ("" if
// none does), and the value it sets.
std::string SetCookieField(const net::HttpResponse& r, std::string_view name) {
  for (const auto& [field, value] : r.headers.fields()) {
    if (strcasecmp(field.c_str(), "Set-Cookie") == 0 && std::string_view(value).starts_with(name)) return value;
  }
  return "";
}
std::string SetCookie(const net::HttpResponse& r, std::string_view name) {
  const std::string field = SetCookieField(r, name);
  return field.empty() ? "" : field.substr(name.size(), field.find(';') - name.size());
}

class WebSignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = GenerateEcKey("P-256");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_ = std::move(*key);
    net::Router router;
    router.Add("GET", "/.well-known/openid-configuration", [this](const net::HttpRequest&) {
      return net::JsonResponse({{"issuer", issuer_}});
    });
    router.Add("GET", "/jwks", [this](const net::HttpRequest&) {
      return net::JsonResponse({{"keys", {auth::PublicJwk(key_.get(), "k1", auth::JwsAlg::kES256).value()}}});
    });
    router.Add(
        "POST", "/token", [this](const net::HttpRequest& req) { return Token(req); },
        "application/x-www-form-urlencoded");
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    provider_ = std::move(*server);
    issuer_ = provider_->url();

    WebSignInOptions& o = options_;
    o.client_id = kClient;
    o.secret = kSecret;
    o.auth_url = provider_->url();
    o.url = "https://portal.riik.test";
    o.secure = false;  // plain cookies: the provider here is plain HTTP on loopback
    o.clock = [this] { return now_.load(); };
    auto rp = WebSignIn::Start(o);
    ASSERT_TRUE(rp.ok()) << rp.status().ToString();
    rp_ = std::move(*rp);

    // The web service's own routes, on its event loop as a role's are (its calls to the
    // provider go out from there).
    net::Router service;
    service.AddAsync("GET", "/callback", [this](net::HttpRequest&& req, net::Responder respond) {
      auto shared = std::make_shared<net::Responder>(std::move(respond));
      rp_->Callback(req, "/", [shared](Result<net::HttpResponse> r, const std::string& ending) {
        if (r.ok()) return (*shared)(std::move(*r));
        net::HttpResponse page = net::ErrorResponse(r.status());
        WebSignIn::AddCookie(page, ending);
        (*shared)(std::move(page));
      });
    });
    service.AddAsync(
        "POST", "/backchannel-logout",
        [this](net::HttpRequest&& req, net::Responder respond) {
          auto shared = std::make_shared<net::Responder>(std::move(respond));
          rp_->BackchannelLogout(req, [shared](net::HttpResponse r) { (*shared)(std::move(r)); });
        },
        "application/x-www-form-urlencoded");
    auto started = net::HttpServer::Start(net::ServerOptions{}, std::move(service));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    service_ = std::move(*started);
  }

  // The provider's token endpoint: the client's secret (taken apart as the sign-in
  // service does), the code it gave, the redirect URI and the PKCE verifier of the
  // challenge the browser brought, then an ID token with the nonce the browser brought
  // (or `nonce_override_`) and the session `sid_`.
  net::HttpResponse Token(const net::HttpRequest& req) {
    auto form = net::ParseForm(req.body);
    auto client = auth::ParseBasicAuthorization(req.headers.Get("Authorization"));
    std::lock_guard lock(mu_);
    if (!form.ok() || !client.ok() || client->first != kClient || client->second != kSecret ||
        (*form)["grant_type"] != "authorization_code" || (*form)["code"] != kCode ||
        (*form)["redirect_uri"] != kRedirect || (*form)["code_verifier"].size() < 43 ||
        Base64UrlEncode(DigestBytes(Sha256((*form)["code_verifier"]))) != challenge_) {
      return net::JsonError(400, "invalid_grant", "not this client's code");
    }
    const int64_t now = now_.load() / 1'000'000;
    Json claims = {{"iss", issuer_},   {"sub", person_},
                   {"aud", kClient},   {"iat", now},
                   {"exp", now + 600}, {"nonce", nonce_override_.empty() ? nonce_ : nonce_override_},
                   {"sid", sid_},      {"at_hash", auth::AtHash(auth::JwsAlg::kES256, "access-1")}};
    return net::JsonResponse({{"id_token", auth::SignJws(claims, key_.get(), auth::JwsAlg::kES256, "k1").value()},
                              {"access_token", "access-1"},
                              {"token_type", "Bearer"}});
  }

  // The browser: to the provider with what Login() says, back to the service with `code`
  // (and `also_`) and the cookie Login() set (unless `same_browser` is false). `meanwhile` runs while
  // the browser is at the provider, and may change the state it brings back (in its
  // cookie and in the address alike). The service's answer.
  net::HttpResponse SignIn(std::string_view code = kCode, bool same_browser = true,
                           const std::function<void(std::string& state)>& meanwhile = {}) {
    net::HttpResponse to_provider = rp_->Login("openid");
    const std::string location(to_provider.headers.Get("Location"));
    EXPECT_TRUE(location.starts_with(provider_->url() + "/authorize?")) << location;
    net::HttpRequest authorize;
    authorize.query = location.substr(location.find('?') + 1);
    EXPECT_EQ(authorize.QueryParam("client_id"), kClient);
    EXPECT_EQ(authorize.QueryParam("redirect_uri"), kRedirect);
    EXPECT_EQ(authorize.QueryParam("code_challenge_method"), "S256");
    {
      std::lock_guard lock(mu_);
      nonce_ = authorize.QueryParam("nonce");
      challenge_ = authorize.QueryParam("code_challenge");
    }
    std::string state = authorize.QueryParam("state");
    // The cookie as Login() set it: this browser's, bound to the state, for 10 minutes.
    const std::string set(to_provider.headers.Get("Set-Cookie"));
    EXPECT_EQ(set, "rp_login=" + state + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=900");
    if (meanwhile) meanwhile(state);
    const std::string login_cookie = "rp_login=" + state;
    net::Headers cookies;
    if (same_browser) cookies.Add("Cookie", login_cookie);
    Result<net::HttpResponse> back = net::Fetch(
        "GET", service_->url() + "/callback?code=" + net::PercentEncode(code) + "&state=" + state + also_, cookies);
    EXPECT_TRUE(back.ok()) << back.status().ToString();
    return back.ok() ? std::move(*back) : net::HttpResponse{};
  }

  // The session cookie's value of a signed-in browser ("" if the sign-in failed).
  std::string SessionCookie() {
    net::HttpResponse r = SignIn();
    EXPECT_EQ(r.status, 303) << r.body;
    return SetCookie(r, kSessionCookie);
  }

  std::optional<WebSession> Find(const std::string& cookie) {
    net::HttpRequest req;
    req.headers.Add("Cookie", std::string(kSessionCookie) + cookie);
    return rp_->Find(req);
  }

  // What the provider's handlers read, then the servers and the service that use it
  // (destroyed in the reverse order).
  std::atomic<UnixMicros> now_{1'796'000'000LL * 1'000'000};
  UniquePtr<EVP_PKEY> key_;
  std::string issuer_;
  std::mutex mu_;
  std::string nonce_, challenge_, nonce_override_, sid_ = "sid-1", person_ = kPerson;
  std::string also_;  // more of the callback's query, as "&name=value"
  std::unique_ptr<net::HttpServer> provider_;
  WebSignInOptions options_;
  std::unique_ptr<WebSignIn> rp_;
  std::unique_ptr<net::HttpServer> service_;
};

// The message of a JSON error answer (its body if it is not one).
std::string MessageOf(const net::HttpResponse& r) {
  auto body = ParseJson(r.body);
  return body.ok() ? StringOr(*body, "message") : r.body;
}

TEST(WebSessionTest, EndsWhenIdleOrOldAndARequestKeepsItActive) {
  WebSignInOptions o;  // 15 minutes idle, 12 hours in all
  WebSession s;
  s.created = s.last_active = 1000 * kMinute;
  EXPECT_FALSE(WebSessionExpired(s, s.created + 15 * kMinute, o));
  EXPECT_TRUE(WebSessionExpired(s, s.created + 15 * kMinute + 1, o));
  // Active every 10 minutes: alive until the 12 hours are up, however busy.
  for (int m = 10; m < 12 * 60; m += 10) {
    ASSERT_FALSE(WebSessionExpired(s, s.created + m * kMinute, o)) << m;
    s.last_active = s.created + m * kMinute;
  }
  EXPECT_TRUE(WebSessionExpired(s, s.created + 12 * 60 * kMinute + 1, o));
  o.idle = std::chrono::seconds(60);
  s.last_active = s.created;
  EXPECT_TRUE(WebSessionExpired(s, s.created + kMinute + 1, o));
}

TEST_F(WebSignInTest, ASessionEndsWhenIdleAndIsThenForgotten) {
  const std::string cookie = SessionCookie();
  ASSERT_FALSE(cookie.empty());
  auto session = Find(cookie);
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->claims["sub"], kPerson);
  EXPECT_EQ(session->sid, "sid-1");
  now_ += 14 * kMinute;
  ASSERT_TRUE(Find(cookie).has_value());  // and it is active again from now
  now_ += 15 * kMinute;
  ASSERT_TRUE(Find(cookie).has_value());
  const UnixMicros last = now_.load();
  now_ += 15 * kMinute + 1;
  EXPECT_FALSE(Find(cookie).has_value());
  now_ = last;  // the clock back: the session is gone, not just out of date
  EXPECT_FALSE(Find(cookie).has_value());
}

TEST_F(WebSignInTest, ASessionEndsTwelveHoursAfterTheSignInHoweverActive) {
  const std::string cookie = SessionCookie();
  ASSERT_FALSE(cookie.empty());
  const UnixMicros signed_in = now_.load();
  for (int m = 10; m <= 12 * 60; m += 10) {
    now_ = signed_in + m * kMinute;
    ASSERT_TRUE(Find(cookie).has_value()) << m << " minutes";
  }
  now_ = signed_in + 12 * 60 * kMinute + 1;
  EXPECT_FALSE(Find(cookie).has_value());
}

TEST_F(WebSignInTest, NoSessionFromAnotherBrowserARefusedCodeOrAnotherSignInsToken) {
  net::HttpResponse elsewhere = SignIn(kCode, /*same_browser=*/false);
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_NE(MessageOf(elsewhere).find("not started in this browser"), std::string::npos) << elsewhere.body;
  EXPECT_TRUE(elsewhere.headers.Get("Set-Cookie").empty());

  net::HttpResponse refused = SignIn("another code");
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(MessageOf(refused).find("did not confirm the sign-in"), std::string::npos) << refused.body;
  EXPECT_EQ(SetCookie(refused, kSessionCookie), "");

  {
    std::lock_guard lock(mu_);
    nonce_override_ = "the nonce of another sign-in";
  }
  net::HttpResponse replayed = SignIn();
  EXPECT_EQ(replayed.status, 503);
  EXPECT_NE(MessageOf(replayed).find("could not be verified"), std::string::npos) << replayed.body;
  EXPECT_EQ(SetCookie(replayed, kSessionCookie), "");
}

// Nothing of a sign-in under way is kept at the service, so that nobody can push one
// out by starting more: after more sign-ins started meanwhile than its table of them
// held before (10,000), the person's comes back and ends in a session.
TEST_F(WebSignInTest, SignInsStartedByOthersPushOutNoneUnderWay) {
  net::HttpResponse back = SignIn(kCode, /*same_browser=*/true, [this](std::string&) {
    for (int i = 0; i < 10'001; ++i) rp_->Login("openid");
  });
  EXPECT_EQ(back.status, 303) << back.body;
  EXPECT_NE(SetCookie(back, kSessionCookie), "");
}

// A sign-in comes back within 10 minutes (a clock that stepped back a little is
// forgiven), with a state this service made: one later, one whose time was changed and
// one made before the service restarted are refused, saying what to do.
TEST_F(WebSignInTest, ASignInComesBackWithinTenMinutesWithAStateThisServiceMade) {
  net::HttpResponse in_time = SignIn(kCode, true, [this](std::string&) { now_ += 10 * kMinute; });
  EXPECT_EQ(in_time.status, 303) << in_time.body;
  EXPECT_NE(SetCookie(in_time, kSessionCookie), "");
  net::HttpResponse stepped_back = SignIn(kCode, true, [this](std::string&) { now_ -= kMinute; });
  EXPECT_EQ(stepped_back.status, 303) << stepped_back.body;

  net::HttpResponse late = SignIn(kCode, true, [this](std::string&) { now_ += 10 * kMinute + 1; });
  EXPECT_EQ(late.status, 400);
  EXPECT_NE(MessageOf(late).find("has expired: it lasts 10 minutes. Please sign in again."), std::string::npos)
      << late.body;
  net::HttpResponse ahead = SignIn(kCode, true, [this](std::string&) { now_ -= kMinute + 1; });
  EXPECT_EQ(ahead.status, 400);
  EXPECT_NE(MessageOf(ahead).find("not started here"), std::string::npos) << ahead.body;

  net::HttpResponse moved = SignIn(kCode, true, [](std::string& state) {
    Bytes bytes = Base64UrlDecode(state).value();
    bytes[7] ^= 1;  // made a microsecond later or earlier
    state = Base64UrlEncode(bytes);
  });
  EXPECT_EQ(moved.status, 400);
  EXPECT_NE(MessageOf(moved).find("not started here"), std::string::npos) << moved.body;

  net::HttpResponse restarted = SignIn(kCode, true, [this](std::string&) { rp_ = WebSignIn::Start(options_).value(); });
  EXPECT_EQ(restarted.status, 400);
  EXPECT_NE(MessageOf(restarted).find("has restarted since"), std::string::npos) << restarted.body;
  for (const auto* r : {&late, &ahead, &moved, &restarted}) EXPECT_EQ(SetCookie(*r, kSessionCookie), "");
}

// Every answer to a sign-in's callback ends its cookie, so that a reload cannot send the
// code again: a session made, the person's cancel, a code refused. A callback that is not
// the browser's sign-in leaves the cookie alone (it may be another one's, under way).
TEST_F(WebSignInTest, EveryAnswerToASignInsCallbackEndsItsCookie) {
  constexpr std::string_view kEnded = "rp_login=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  net::HttpResponse signed_in = SignIn();
  EXPECT_EQ(signed_in.status, 303);
  EXPECT_EQ(SetCookieField(signed_in, "rp_login="), kEnded);
  net::HttpResponse refused = SignIn("another code");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(SetCookieField(refused, "rp_login="), kEnded);
  net::HttpResponse late = SignIn(kCode, true, [this](std::string&) { now_ += 11 * kMinute; });
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(SetCookieField(late, "rp_login="), kEnded);
  also_ = "&error=access_denied";
  net::HttpResponse cancelled = SignIn();
  EXPECT_EQ(cancelled.status, 303);
  EXPECT_EQ(cancelled.headers.Get("Location"), "/?error=access_denied");
  EXPECT_EQ(SetCookieField(cancelled, "rp_login="), kEnded);
  EXPECT_EQ(SetCookie(cancelled, kSessionCookie), "");
  also_.clear();
  net::HttpResponse elsewhere = SignIn(kCode, /*same_browser=*/false);
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_EQ(SetCookieField(elsewhere, "rp_login="), "");
}

// One person signing in again and again (single sign-on asks nothing) ends their own
// oldest sessions beyond their share, never another person's.
TEST_F(WebSignInTest, APersonSigningInOverAndOverEndsOnlyTheirOwnOldestSessions) {
  {
    std::lock_guard lock(mu_);
    person_ = "EE49002124277";
  }
  const std::string someone_else = SessionCookie();
  ASSERT_FALSE(someone_else.empty());
  {
    std::lock_guard lock(mu_);
    person_ = kPerson;
  }
  std::vector<std::string> mine;
  for (int i = 0; i < 20; ++i) {
    mine.push_back(SessionCookie());
    ASSERT_FALSE(mine.back().empty());
  }
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Find(mine[i]).has_value(), i >= 4) << "session " << i;
  auto other = Find(someone_else);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(StringOr(other->claims, "sub"), "EE49002124277");
}

// A full session table makes room for the next sign-in: the ended sessions go first
// (one idle too long, though newer than some), and only then the oldest.
TEST_F(WebSignInTest, AFullSessionTableEndsTheEndedSessionsFirstThenTheOldest) {
  options_.max_sessions = 4;
  rp_ = WebSignIn::Start(options_).value();
  std::vector<std::string> s;
  for (int i = 0; i < 4; ++i) {
    s.push_back(SessionCookie());
    now_ += kMinute;
  }
  now_ += 10 * kMinute;
  for (int i : {0, 2, 3}) ASSERT_TRUE(Find(s[i]).has_value()) << i;  // all but the second in use
  now_ += 3 * kMinute;                                               // the second idle for over 15 minutes
  s.push_back(SessionCookie());
  EXPECT_TRUE(Find(s[0]).has_value()) << "the oldest session ended while an ended one was held";
  now_ += 2'000'000;
  s.push_back(SessionCookie());  // none has ended: the oldest goes
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Find(s[i]).has_value(), i >= 2) << "session " << i;
}

TEST_F(WebSignInTest, TheProvidersBackChannelLogoutEndsTheSessionsOfItsSid) {
  const std::string first = SessionCookie(), second = SessionCookie();  // single sign-on session sid-1
  {
    std::lock_guard lock(mu_);
    sid_ = "sid-2";
  }
  const std::string other = SessionCookie();
  ASSERT_TRUE(Find(first).has_value() && Find(second).has_value() && Find(other).has_value());
  const int64_t now = now_.load() / 1'000'000;
  Json claims = {{"iss", issuer_},    {"aud", kClient}, {"iat", now},
                 {"jti", "logout-1"}, {"sid", "sid-1"}, {"events", {{kLogoutEvent, Json::object()}}}};
  net::Headers form;
  form.Add("Content-Type", "application/x-www-form-urlencoded");
  auto answered = net::Fetch(
      "POST", service_->url() + "/backchannel-logout", form,
      "logout_token=" + net::PercentEncode(auth::SignJws(claims, key_.get(), auth::JwsAlg::kES256, "k1").value()));
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_EQ(answered->status, 200) << answered->body;
  EXPECT_FALSE(Find(first).has_value());
  EXPECT_FALSE(Find(second).has_value());
  EXPECT_TRUE(Find(other).has_value());  // another sign-in's session stays
}

}  // namespace
}  // namespace riik::node
