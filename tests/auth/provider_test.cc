// The OpenID Connect provider's rules (auth/provider.h): the code flow with PKCE, both
// sign-in methods, single sign-on, refresh, userinfo, logout, and every refusal.
#include "auth/provider.h"

#include <gtest/gtest.h>

#include <optional>

#include "auth/app_confirm.h"
#include "auth_fixture.h"
#include "crypto/random.h"

namespace riik::auth {
namespace {

class ProviderTest : public AuthFixture {
 protected:
  Json Exchange(const TokenRequest& t) {
    auto out = provider_->Token(t);
    if (auto* e = std::get_if<TokenError>(&out)) {
      ADD_FAILURE() << e->error << ": " << e->description;
      return Json();
    }
    return std::get<Json>(out);
  }
  // The portal's refresh with `refresh_token`.
  TokenRequest RefreshExchange(const std::string& refresh_token) {
    TokenRequest t;
    t.grant_type = "refresh_token";
    t.refresh_token = refresh_token;
    t.credentials = CodeExchange("").credentials;
    return t;
  }
  TokenError ExchangeFails(const TokenRequest& t) {
    auto out = provider_->Token(t);
    EXPECT_TRUE(std::holds_alternative<TokenError>(out));
    return std::holds_alternative<TokenError>(out) ? std::get<TokenError>(out) : TokenError{};
  }
  // The verified payload of an ID token.
  Json IdClaims(const std::string& id_token) {
    auto jws = ParseJws(id_token);
    EXPECT_TRUE(jws.ok());
    auto key = keys_->Find(jws->kid);
    EXPECT_TRUE(key.ok());
    EXPECT_TRUE(VerifyJws(*jws, key->key.get()).value());
    return jws->payload;
  }
  // The bank's private_key_jwt assertion.
  std::string Assertion(const std::string& jti, const std::string& aud = std::string(kOrigin) + "/token",
                        int64_t lifetime_s = 60) {
    Json claims = {{"iss", kBank}, {"sub", kBank}, {"aud", aud}, {"jti", jti}, {"exp", now_ / 1'000'000 + lifetime_s}};
    return SignJws(claims, bank_key_.get(), JwsAlg::kES256, "bank-1").value();
  }
  TokenRequest BankExchange(const std::string& code, const std::string& jti) {
    TokenRequest t = CodeExchange(code, kBank);
    t.credentials = {};
    t.credentials.assertion_type = std::string(kJwtBearerAssertion);
    t.credentials.assertion = Assertion(jti);
    return t;
  }
  // Starts the app flow in the browser kBrowser, which keeps the id it is given; the app
  // request's hash as the app sees it.
  AppRequestView StartApp(const std::string& request_id, const std::string& code = "38001085718") {
    Checked<AppStarted> shown = provider_->AppStart(request_id, Jar(kBrowser), code);
    EXPECT_TRUE(Passed(shown));
    if (!Passed(shown)) return {};
    EXPECT_NE(std::get<AppStarted>(shown).browser, Jar(kBrowser)) << "the app's start gave the browser no new id";
    jar_[kBrowser] = std::get<AppStarted>(shown).browser;
    auto pending = provider_->AppPending("EE" + code);
    EXPECT_EQ(pending.size(), 1u);
    if (pending.empty()) return {};
    EXPECT_EQ(std::get<AppStarted>(shown).verification_code, VerificationCode(pending[0].hash));
    return pending[0];
  }
  AppAnswer Answer(eid::Token& token, const std::string& hash) {
    auto cert = token.Certificate(trust::EidKey::kAuthentication);
    return AppAnswer{CertificateDer(cert->get()), SignAppHash(AuthKey(token), SignInHash(kOrigin, hash)).value()};
  }
  // The person signed in (ID-card) in browser kBrowser, then two tabs of it on sign-in
  // pages asking for a sign-in again: their requests, and the browser's id then.
  struct Tabs {
    std::string tab1, tab2, browser;
  };
  Tabs TwoSignInTabs() {
    SignInWithIdCard(*jaan_, kBrowser);
    AuthorizeParams again = Params();
    again.prompt = "login";
    Tabs t;
    t.tab1 = RequestId(provider_->Authorize(again, Jar(kBrowser)));
    t.tab2 = RequestId(provider_->Authorize(again, Jar(kBrowser)));
    t.browser = Jar(kBrowser);
    return t;
  }
  std::string RequestId(const AuthorizeOutcome& out) {
    auto* login = std::get_if<ShowLogin>(&out);
    EXPECT_TRUE(login);
    return login ? login->request_id : "";
  }
};

TEST_F(ProviderTest, AFloodOfStartedSignInsCannotLockOutTheNextPerson) {
  // Anyone can start sign-ins with a client's public id and redirect URI: when the table
  // is full, the oldest goes, and a person's new sign-in still gets its page.
  ProviderOptions o;
  o.max_pending_requests = 1000;
  MakeProvider(o);
  const std::string first = RequestId(provider_->Authorize(Params(), kBrowser));
  StartApp(first);  // its app request goes with it
  for (size_t i = 0; i < o.max_pending_requests; ++i) {
    ASSERT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(), kOtherBrowser))) << i;
  }
  EXPECT_FALSE(provider_->View(first, Jar(kBrowser)));  // the oldest made room
  EXPECT_TRUE(provider_->AppPending("EE38001085718").empty());
  const std::string next = RequestId(provider_->Authorize(Params(), Jar(kBrowser)));
  EXPECT_TRUE(provider_->View(next, Jar(kBrowser)));
  EXPECT_EQ(provider_->counts().requests, o.max_pending_requests);
  // Each kept parameter is bounded.
  AuthorizeParams long_scope = Params();
  long_scope.scope = "openid " + std::string(2000, 'x');
  AuthorizeOutcome out = provider_->Authorize(long_scope, kBrowser);
  auto* refused = std::get_if<OAuthError>(&out);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error, "invalid_scope");
}

// Whoever starts the app, on pages of their own with made-up personal codes, adds to the
// browsers' moved ids for a request's lifetime, and pages come and go faster: the table
// has a bound of its own, and at it a start is refused as busy until old ones expire.
TEST_F(ProviderTest, AppStartsOnPagesThatComeAndGoCannotGrowTheMovedIdsWithoutEnd) {
  ProviderOptions o;
  o.max_pending_requests = 3;  // so at most 12 moved ids
  MakeProvider(o);
  // A page of its own, started on four times (each start moves its browser to a new id);
  // the refusal that stopped it, if one did.
  auto page = [&](std::string browser) -> std::optional<Refusal> {
    const std::string id = RequestId(provider_->Authorize(Params(), browser));
    for (int i = 0; i < 4; ++i) {
      Checked<AppStarted> started = provider_->AppStart(id, browser, "49002124277");
      if (!Passed(started)) return std::get<Refused>(started).why;
      browser = std::get<AppStarted>(started).browser;
    }
    return std::nullopt;
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(page("stranger-" + std::to_string(i)), std::nullopt) << i;
  EXPECT_EQ(page("stranger-3"), Refusal::kBusy) << "the moved ids grew past their bound";
  EXPECT_EQ(RefusalName(Refusal::kBusy), "busy");
  now_ += 30 * 60 * 1'000'000LL + 1'000'000;  // a request's lifetime
  provider_->Sweep();
  EXPECT_EQ(page("stranger-4"), std::nullopt) << "expired moves made no room";
}

TEST_F(ProviderTest, IdCardCodeFlowGivesTarasClaims) {
  std::string redirect = SignInWithIdCard(*jaan_, kBrowser);
  ASSERT_TRUE(redirect.starts_with("https://portal.riik.test/callback?code="));
  EXPECT_EQ(QueryOf(redirect, "state"), "state-0123456789");
  Json tokens = Exchange(CodeExchange(QueryOf(redirect, "code")));
  EXPECT_EQ(tokens["token_type"], "Bearer");
  Json claims = IdClaims(tokens["id_token"]);
  EXPECT_EQ(claims["iss"], kOrigin);
  EXPECT_EQ(claims["sub"], "EE38001085718");
  EXPECT_EQ(claims["aud"], kPortal);
  EXPECT_EQ(claims["nonce"], "nonce-abc");
  EXPECT_EQ(claims["acr"], "high");
  EXPECT_EQ(claims["amr"], Json::array({"idcard"}));
  EXPECT_EQ(claims["profile_attributes"]["given_name"], "JAAN");
  EXPECT_EQ(claims["profile_attributes"]["family_name"], "TAMM");
  EXPECT_EQ(claims["profile_attributes"]["date_of_birth"], "1980-01-08");
  std::string digest = DigestBytes(Sha256(tokens["access_token"].get<std::string>()));
  EXPECT_EQ(claims["at_hash"], Base64UrlEncode(digest.substr(0, 16)));  // RS256: SHA-256
  EXPECT_EQ(ParseJws(tokens["id_token"].get<std::string>())->alg, JwsAlg::kRS256);
  auto info = provider_->UserInfo(tokens["access_token"].get<std::string>());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["sub"], "EE38001085718");
  EXPECT_EQ((*info)["profile_attributes"]["family_name"], "TAMM");
}

TEST_F(ProviderTest, AppFlowShowsTheCodeTheAppShowsAndSignsIn) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  EXPECT_FALSE(provider_->View(id, kBrowser)) << "the browser's id from before the app's start";
  auto view = provider_->View(id, Jar(kBrowser));
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->app_pending);
  EXPECT_EQ(view->verification_code, VerificationCode(pending.hash));
  AppProgress seen;
  provider_->AppWait(id, Jar(kBrowser), std::chrono::seconds(25), [&](AppProgress p) { seen = p; });
  EXPECT_EQ(seen.state, AppProgress::State::kWaiting);  // not called yet
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  ASSERT_EQ(seen.state, AppProgress::State::kDone);
  EXPECT_FALSE(seen.browser.empty()) << "the long poll brings the browser its new id";
  Json tokens = Exchange(CodeExchange(QueryOf(seen.redirect, "code")));
  Json claims = IdClaims(tokens["id_token"]);
  EXPECT_EQ(claims["amr"], Json::array({"app"}));
  EXPECT_EQ(claims["acr"], "substantial");
  EXPECT_EQ(claims["sub"], "EE38001085718");
}

// The person's own answer whose certificate does not hold (revoked since) ends the
// sign-in, and the browser learns why: only an answer the person's key did not sign is a
// stranger's, which leaves the request waiting.
TEST_F(ProviderTest, ThePersonsOwnAnswerWithARevokedCertificateEndsTheSignIn) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  ASSERT_TRUE(ca_->RevokePerson("38001085718", "keyCompromise").ok());
  Checked<bool> done = provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash));
  ASSERT_FALSE(Passed(done));
  EXPECT_EQ(std::get<Refused>(done).why, Refusal::kCertificateRevoked);
  AppProgress seen;
  provider_->AppWait(id, Jar(kBrowser), std::chrono::seconds(1), [&](AppProgress p) { seen = p; });
  EXPECT_EQ(seen.state, AppProgress::State::kRefused);
  EXPECT_EQ(seen.refusal, Refusal::kCertificateRevoked);
  EXPECT_TRUE(provider_->AppPending("EE38001085718").empty());
}

TEST_F(ProviderTest, TheAppCannotAnswerWithAnotherPersonsEid) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  Checked<bool> done = provider_->AnswerApp(pending.id, Answer(Mari(), pending.hash));
  ASSERT_FALSE(Passed(done));
  EXPECT_EQ(std::get<Refused>(done).why, Refusal::kPersonMismatch);
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
}

// A stranger can make a certificate naming the person (even naming the eID CA as its
// issuer) and sign the sign-in's statement with its key: refused to them, and the request waits on for
// the person's own answer.
TEST_F(ProviderTest, AStrangersCertificateNamingThePersonEndsNothing) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  Forgery forged = ForgeFor("38001085718");
  ASSERT_EQ(forged.certificates.size(), 2u);
  for (const std::string& cert : forged.certificates) {
    Checked<bool> done = provider_->AnswerApp(
        pending.id, AppAnswer{cert, SignAppHash(forged.key.get(), SignInHash(kOrigin, pending.hash)).value()});
    ASSERT_FALSE(Passed(done));
    EXPECT_EQ(std::get<Refused>(done).why, Refusal::kUntrustedCertificate) << std::get<Refused>(done).detail;
    EXPECT_EQ(provider_->AppPending("EE38001085718").size(), 1u);
  }
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
}

TEST_F(ProviderTest, TheAppsSignatureMustBeOverTheSignInsStatement) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  AppAnswer answer = Answer(*jaan_, std::string(kAppHashBytes, 'x'));
  Checked<bool> done = provider_->AnswerApp(pending.id, answer);
  ASSERT_FALSE(Passed(done));
  EXPECT_EQ(std::get<Refused>(done).why, Refusal::kBadSignature);
  // The hash itself (what a service could pass off as another statement's), or the
  // sign-in's statement made for another service: neither confirms this sign-in.
  auto cert = jaan_->Certificate(trust::EidKey::kAuthentication);
  for (const std::string& signed_hash : {pending.hash, SignInHash("https://signin.elsewhere.test", pending.hash)}) {
    Checked<bool> refused = provider_->AnswerApp(
        pending.id, AppAnswer{CertificateDer(cert->get()), SignAppHash(AuthKey(*jaan_), signed_hash).value()});
    ASSERT_FALSE(Passed(refused));
    EXPECT_EQ(std::get<Refused>(refused).why, Refusal::kBadSignature);
  }
  // A wrong answer is its sender's (anyone may post one): the person's own still signs in,
  // and then the request is gone.
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  EXPECT_FALSE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
}

TEST_F(ProviderTest, DecliningInTheAppIsUserCancel) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  // Only the person's own decline (PIN1 over the request's id) counts.
  EXPECT_EQ(provider_->DeclineApp(pending.id, Decline(Mari(), pending.id)).code(), Code::kPermissionDenied);
  EXPECT_EQ(provider_->DeclineApp(pending.id, Decline(*jaan_, "another-request")).code(), Code::kPermissionDenied);
  EXPECT_EQ(provider_->AppPending("EE38001085718").size(), 1u);
  ASSERT_TRUE(provider_->DeclineApp(pending.id, Decline(*jaan_, pending.id)).ok());
  AppProgress seen;
  provider_->AppWait(id, Jar(kBrowser), std::chrono::seconds(1), [&](AppProgress p) { seen = p; });
  EXPECT_EQ(seen.state, AppProgress::State::kRefused);
  EXPECT_EQ(seen.refusal, Refusal::kUserCancel);
  auto cancelled = provider_->Cancel(id, Jar(kBrowser));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(QueryOf(cancelled->url, "error"), "user_cancel");
  EXPECT_EQ(QueryOf(cancelled->url, "state"), "state-0123456789");
}

TEST_F(ProviderTest, ALongPollEndsWaitingWhenItsTimeIsUp) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  StartApp(id);
  int calls = 0;
  provider_->AppWait(id, Jar(kBrowser), std::chrono::seconds(25), [&](AppProgress p) {
    ++calls;
    EXPECT_EQ(p.state, AppProgress::State::kWaiting);
  });
  provider_->Sweep();
  EXPECT_EQ(calls, 0);
  now_ += 26'000'000;
  provider_->Sweep();
  EXPECT_EQ(calls, 1);
}

// The page's "I have confirmed" button asks where the sign-in stands without waiting.
// Nothing of the question may be kept: its answer was read from the handler's own stack,
// and a waiter kept for it was once called later, by the sweep or the app's answer,
// writing into a stack frame long gone.
TEST_F(ProviderTest, AskingWithoutWaitingKeepsNoWaiter) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  EXPECT_EQ(provider_->AppProgressNow(id, Jar(kBrowser)).state, AppProgress::State::kWaiting);
  EXPECT_EQ(provider_->AppProgressNow(id, "another browser").state, AppProgress::State::kRefused);
  int calls = 0;
  provider_->AppWait(id, Jar(kBrowser), std::chrono::milliseconds(0), [&](AppProgress p) {
    ++calls;
    EXPECT_EQ(p.state, AppProgress::State::kWaiting);
  });
  EXPECT_EQ(calls, 1) << "a wait of 0 answers at once";
  now_ += 1'000'000;
  provider_->Sweep();
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  EXPECT_EQ(calls, 1) << "and is not answered again later";
  AppProgress done = provider_->AppProgressNow(id, Jar(kBrowser));
  EXPECT_EQ(done.state, AppProgress::State::kDone);
  EXPECT_FALSE(QueryOf(done.redirect, "code").empty());
}

// A service that asks for level high gets the ID-card only: the page offers no app, and
// starting the app flow anyway (posting the form by hand) is refused.
TEST_F(ProviderTest, TheAppIsRefusedWhereTheServiceAskedForLevelHigh) {
  AuthorizeParams high = Params();
  high.acr_values = "high";
  std::string id = RequestId(provider_->Authorize(high, kBrowser));
  Checked<AppStarted> started = provider_->AppStart(id, kBrowser, "38001085718");
  ASSERT_FALSE(Passed(started));
  EXPECT_EQ(std::get<Refused>(started).why, Refusal::kLevelTooLow);
  EXPECT_TRUE(provider_->AppPending("EE38001085718").empty());
  AuthorizeParams substantial = Params();
  substantial.acr_values = "substantial";
  StartApp(RequestId(provider_->Authorize(substantial, kBrowser)));
}

// Each start of the app gives the browser a new id, remembered for a request's lifetime:
// one page takes a few, then asks for a start from the service, so that no one can grow
// that table without end from a single page.
TEST_F(ProviderTest, OnePageStartsTheAppAFewTimesOnly) {
  const std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  for (int i = 0; i < 4; ++i) StartApp(id);  // kMaxAppStarts
  Checked<AppStarted> again = provider_->AppStart(id, Jar(kBrowser), "38001085718");
  ASSERT_FALSE(Passed(again));
  EXPECT_EQ(std::get<Refused>(again).why, Refusal::kStartedTooOften);
  AppRequestView pending = provider_->AppPending("EE38001085718").at(0);
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  EXPECT_EQ(provider_->AppProgressNow(id, Jar(kBrowser)).state, AppProgress::State::kDone) << "the last start holds";
}

TEST_F(ProviderTest, AnInvalidPersonalCodeIsSaidPlainly) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  Checked<AppStarted> shown = provider_->AppStart(id, kBrowser, "38001085719");
  ASSERT_FALSE(Passed(shown));
  EXPECT_EQ(std::get<Refused>(shown).why, Refusal::kInvalidPersonalCode);
}

// Failures anyone can cause are counted against nobody: a stranger who names a person
// (their code, their public certificate) or a service (its client_id) cannot lock them out.
TEST_F(ProviderTest, FailuresCausedByOthersLockNobodyOut) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  AppRequestView pending = StartApp(id);
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(Passed(provider_->AnswerApp(pending.id, Answer(Mari(), pending.hash))));
    EXPECT_FALSE(Passed(provider_->AnswerApp(pending.id, AppAnswer{"AA==", ""})));
    const std::string browser = Jar(kBrowser);
    std::string by_card = RequestId(provider_->Authorize(Params(), browser));
    EXPECT_FALSE(Passed(provider_->IdCardLogin(by_card, browser, "{}", kOrigin)));  // no challenge asked
    auto nonce = provider_->IdCardChallenge(by_card, browser);
    ASSERT_TRUE(nonce.ok());
    EXPECT_FALSE(Passed(provider_->IdCardLogin(by_card, browser, WebEidToken(*jaan_, "another nonce"), kOrigin)));
  }
  for (int i = 0; i < 250; ++i) {
    TokenRequest bad_request;
    bad_request.credentials.client_id = kPortal;  // and no secret
    bad_request.grant_type = "authorization_code";
    bad_request.code = "x";
    ASSERT_TRUE(std::holds_alternative<TokenError>(provider_->Token(bad_request)));
  }
  // The person's own answer to the very request the others tried, and a new sign-in by card.
  EXPECT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  const std::string other = "browser-two-0123456789012345678901";
  std::string by_card = RequestId(provider_->Authorize(Params(), other));
  auto nonce = provider_->IdCardChallenge(by_card, other);
  ASSERT_TRUE(nonce.ok());
  EXPECT_TRUE(Passed(provider_->IdCardLogin(by_card, other, WebEidToken(*jaan_, *nonce), kOrigin)));
}

TEST_F(ProviderTest, AChallengeIsUsedOnceAndLivesFiveMinutes) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  auto nonce = provider_->IdCardChallenge(id, kBrowser);
  std::string token = WebEidToken(*jaan_, *nonce);
  Checked<Redirect> bad =
      provider_->IdCardLogin(id, kBrowser, WebEidToken(*jaan_, *nonce, "https://evil.test"), kOrigin);
  ASSERT_FALSE(Passed(bad));
  EXPECT_EQ(std::get<Refused>(bad).why, Refusal::kBadSignature);
  Checked<Redirect> reused = provider_->IdCardLogin(id, kBrowser, token, kOrigin);  // the nonce went with the first try
  ASSERT_FALSE(Passed(reused));
  EXPECT_EQ(std::get<Refused>(reused).why, Refusal::kChallengeUnknown);
  nonce = provider_->IdCardChallenge(id, kBrowser);
  now_ += 301'000'000;
  Checked<Redirect> stale = provider_->IdCardLogin(id, kBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_FALSE(Passed(stale));
  EXPECT_EQ(std::get<Refused>(stale).why, Refusal::kChallengeExpired);
}

TEST_F(ProviderTest, AChallengeBelongsToItsBrowser) {
  std::string id = RequestId(provider_->Authorize(Params(), kBrowser));
  EXPECT_FALSE(provider_->IdCardChallenge(id, kOtherBrowser).ok());
  auto nonce = provider_->IdCardChallenge(id, kBrowser);
  Checked<Redirect> stolen = provider_->IdCardLogin(id, kOtherBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_FALSE(Passed(stolen));
  EXPECT_EQ(std::get<Refused>(stolen).why, Refusal::kChallengeUnknown);
}

TEST_F(ProviderTest, AuthorizationRequestsAreChecked) {
  AuthorizeParams p = Params();
  p.client_id = "EE/GOV/1/unknown";
  auto unknown = std::get<OAuthError>(provider_->Authorize(p, kBrowser));
  EXPECT_EQ(unknown.error, "unauthorized_client");
  EXPECT_TRUE(unknown.redirect.empty());  // never redirect for an unknown client
  p = Params();
  p.redirect_uri = "https://portal.riik.test/callback/../evil";
  auto wrong = std::get<OAuthError>(provider_->Authorize(p, kBrowser));
  EXPECT_TRUE(wrong.redirect.empty());  // nor to a URI the client did not register
  struct Case {
    std::function<void(AuthorizeParams&)> change;
    std::string error;
  } cases[] = {
      {[](AuthorizeParams& q) { q.state = "short"; }, "invalid_request"},
      {[](AuthorizeParams& q) { q.response_type = "token"; }, "unsupported_response_type"},
      {[](AuthorizeParams& q) { q.scope = "profile"; }, "invalid_scope"},
      {[](AuthorizeParams& q) { q.code_challenge_method = "plain"; }, "invalid_request"},
      {[](AuthorizeParams& q) { q.code_challenge = ""; }, "invalid_request"},
      {[](AuthorizeParams& q) { q.acr_values = "extreme"; }, "invalid_request"},
      {[](AuthorizeParams& q) { q.prompt = "none"; }, "login_required"},
  };
  for (const auto& c : cases) {
    p = Params();
    c.change(p);
    auto e = std::get<OAuthError>(provider_->Authorize(p, kBrowser));
    EXPECT_EQ(e.error, c.error) << e.description;
    EXPECT_EQ(QueryOf(e.redirect, "error"), c.error);
  }
}

TEST_F(ProviderTest, CodesAreSingleUseAndAReplayRevokesWhatTheyBought) {
  std::string code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  Json tokens = Exchange(CodeExchange(code));
  TokenError replay = ExchangeFails(CodeExchange(code));
  EXPECT_EQ(replay.error, "invalid_grant");
  EXPECT_FALSE(provider_->UserInfo(tokens["access_token"].get<std::string>()).ok());
  TokenRequest refresh = RefreshExchange(tokens["refresh_token"]);
  EXPECT_EQ(ExchangeFails(refresh).error, "invalid_grant");
  // Whoever used the code first and refreshed at once keeps nothing either: the pair the
  // refreshes replaced it with goes too.
  now_ += 1'000'000;
  code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  tokens = Exchange(CodeExchange(code));
  for (int i = 0; i < 3; ++i) tokens = Exchange(RefreshExchange(tokens["refresh_token"]));
  ASSERT_TRUE(provider_->UserInfo(tokens["access_token"].get<std::string>()).ok());
  EXPECT_EQ(ExchangeFails(CodeExchange(code)).error, "invalid_grant");
  EXPECT_FALSE(provider_->UserInfo(tokens["access_token"].get<std::string>()).ok());
  EXPECT_EQ(ExchangeFails(RefreshExchange(tokens["refresh_token"])).error, "invalid_grant");
}

TEST_F(ProviderTest, CodesLiveThirtySeconds) {
  std::string code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  now_ += 29'000'000;
  EXPECT_TRUE(Exchange(CodeExchange(code)).contains("id_token"));
  code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  now_ += 31'000'000;
  TokenError e = ExchangeFails(CodeExchange(code));
  EXPECT_EQ(e.error, "invalid_grant");
  EXPECT_NE(e.description.find("has expired"), std::string::npos) << e.description;
}

TEST_F(ProviderTest, TheTokenEndpointChecksPkceRedirectAndClient) {
  std::string code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  TokenRequest t = CodeExchange(code);
  t.code_verifier = std::string(43, 'a');
  // Each refusal for its own reason: invalid_grant alone would hide a check gone missing.
  auto refused_for = [&](const TokenRequest& request, const std::string& why) {
    TokenError e = ExchangeFails(request);
    EXPECT_EQ(e.error, "invalid_grant");
    EXPECT_NE(e.description.find(why), std::string::npos) << e.description;
  };
  refused_for(t, "does not match the code_challenge");
  code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  t = CodeExchange(code);
  t.redirect_uri = "https://portal.riik.test/other";
  refused_for(t, "redirect_uri differs");
  code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  t = CodeExchange(code);
  t.credentials.authorization = "Basic " + Base64Encode(std::string(kPortal) + ":wrong");
  TokenError e = ExchangeFails(t);
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.error, "invalid_client");
  t = CodeExchange(code);
  t.grant_type = "password";
  EXPECT_EQ(ExchangeFails(t).error, "unsupported_grant_type");
  // A code issued to the portal is no good to the bank (even with the portal's redirect).
  TokenRequest bank = BankExchange(code, "jti-1");
  bank.redirect_uri = CodeExchange(code).redirect_uri;
  refused_for(bank, "issued to another client");
}

TEST_F(ProviderTest, PrivateKeyJwtAuthenticatesOnceWithTheRightAudience) {
  std::string code = QueryOf(SignInWithIdCard(*jaan_, kBrowser, kBank), "code");
  Json tokens = Exchange(BankExchange(code, "jti-a"));
  EXPECT_EQ(ParseJws(tokens["id_token"].get<std::string>())->alg, JwsAlg::kES256);
  std::string again = QueryOf(SignInWithIdCard(*jaan_, kBrowser, kBank), "code");
  TokenError replay = ExchangeFails(BankExchange(again, "jti-a"));
  EXPECT_EQ(replay.error, "invalid_client");
  TokenRequest t = BankExchange(again, "jti-b");
  t.credentials.assertion = Assertion("jti-b", "https://elsewhere.test/token");
  EXPECT_EQ(ExchangeFails(t).error, "invalid_client");
  t.credentials.assertion = Assertion("jti-c", std::string(kOrigin) + "/token", 3600);
  EXPECT_EQ(ExchangeFails(t).error, "invalid_client");  // lives too long
  // An exp past INT64_MAX microseconds (read before the signature is checked) is refused,
  // not multiplied into an overflow (found by reading: UBSan stops at signed overflow).
  t.credentials.assertion = Assertion("jti-e", std::string(kOrigin) + "/token", INT64_MAX / 2);
  TokenError huge = ExchangeFails(t);
  EXPECT_EQ(huge.error, "invalid_client");
  EXPECT_NE(huge.description.find("no valid exp"), std::string::npos) << huge.description;
  // The bank cannot authenticate with a secret instead.
  t = BankExchange(again, "jti-d");
  t.credentials = {"Basic " + Base64Encode(std::string(kBank) + ":x"), "", "", ""};
  EXPECT_EQ(ExchangeFails(t).error, "invalid_client");
}

TEST_F(ProviderTest, SingleSignOnGivesTheSecondServiceACodeWithoutAsking) {
  std::string code = QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  Json portal = Exchange(CodeExchange(code));
  AuthorizeOutcome bank = provider_->Authorize(Params(kBank), Jar(kBrowser));
  auto* redirect = std::get_if<Redirect>(&bank);
  ASSERT_TRUE(redirect);
  Json tokens = Exchange(BankExchange(QueryOf(redirect->url, "code"), "jti-sso"));
  Json a = IdClaims(portal["id_token"]), b = IdClaims(tokens["id_token"]);
  EXPECT_EQ(a["sid"], b["sid"]);
  EXPECT_EQ(a["auth_time"], b["auth_time"]);
  EXPECT_EQ(b["sub"], "EE38001085718");
  // Another browser is not signed in; prompt=login asks again; a stronger level asks again.
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), kOtherBrowser)));
  AuthorizeParams login = Params(kBank);
  login.prompt = "login";
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(login, Jar(kBrowser))));
}

// A signed-in person can have a service exchange code after code through single
// sign-on, without asking them again: each exchange gives a token pair, and only the
// newest few of one client in one session stay valid, so the loop cannot fill the
// service's memory (nor slow every sweep and sign-out that walks the tokens).
TEST_F(ProviderTest, ACodeLoopInOneSessionKeepsOnlyTheNewestTokens) {
  Json first = Exchange(CodeExchange(QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code")));
  Json bank = Exchange(BankExchange(
      QueryOf(std::get<Redirect>(provider_->Authorize(Params(kBank), Jar(kBrowser))).url, "code"), "jti-loop"));
  Json last;
  for (int i = 0; i < 100; ++i) {
    AuthorizeOutcome again = provider_->Authorize(Params(), Jar(kBrowser));
    auto* redirect = std::get_if<Redirect>(&again);
    ASSERT_TRUE(redirect);
    last = Exchange(CodeExchange(QueryOf(redirect->url, "code")));
  }
  EXPECT_EQ(provider_->counts().access_tokens, 9u);  // the portal's newest 8, the bank's one
  EXPECT_EQ(provider_->counts().refresh_tokens, 9u);
  EXPECT_EQ(provider_->UserInfo(first["access_token"].get<std::string>()).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(provider_->UserInfo(last["access_token"].get<std::string>()).ok());
  EXPECT_TRUE(provider_->UserInfo(bank["access_token"].get<std::string>()).ok()) << "another client's pair stays";
  TokenRequest refresh = RefreshExchange(first["refresh_token"]);
  EXPECT_EQ(ExchangeFails(refresh).error, "invalid_grant");
}

// The browser's id (its cookie) changes when the person signs in: an id someone knew or
// set before (another site on the same host, the last person at a shared computer) opens
// neither single sign-on nor sign-out afterwards.
TEST_F(ProviderTest, TheBrowsersIdFromBeforeTheSignInOpensNothingAfterIt) {
  SignInWithIdCard(*jaan_, kBrowser);
  ASSERT_NE(Jar(kBrowser), kBrowser) << "the sign-in gave the browser no new id";
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), kBrowser)));
  EXPECT_TRUE(std::holds_alternative<Redirect>(provider_->Authorize(Params(kBank), Jar(kBrowser))));
  // The app's way: the new id comes with the outcome the browser polls for.
  AuthorizeParams again = Params();
  again.prompt = "login";
  std::string id = RequestId(provider_->Authorize(again, Jar(kBrowser)));
  const std::string before = Jar(kBrowser);
  AppRequestView pending = StartApp(id);
  const std::string started = Jar(kBrowser);
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), before)));
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  AppProgress done = provider_->AppProgressNow(id, started);
  ASSERT_EQ(done.state, AppProgress::State::kDone);
  ASSERT_FALSE(done.browser.empty());
  EXPECT_NE(done.browser, started);
  EXPECT_EQ(provider_->counts().sessions, 1u) << "the same person's session, renewed";
  for (const std::string& old : {before, started}) {
    EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), old)));
  }
  EXPECT_TRUE(std::holds_alternative<Redirect>(provider_->Authorize(Params(kBank), done.browser)));
}

// Someone who knows the id a browser sends (they set it: another site on the same host)
// begins a sign-in with it and lures the person to its page, where the person signs in.
// The one who began it follows it no further with that id: not to its outcome (the code,
// the browser's new id), and with the app not from the moment the person starts it.
TEST_F(ProviderTest, ASignInBegunWithAKnownIdIsThePersonsAloneOnceTheyAct) {
  auto refused = [&](const std::string& id, const std::string& browser) {
    AppProgress p = provider_->AppProgressNow(id, browser);
    return !provider_->View(id, browser) && p.state == AppProgress::State::kRefused && p.browser.empty() &&
           p.redirect.empty();
  };
  // The ID-card: the person's answer is the end of the sign-in.
  const std::string card = RequestId(provider_->Authorize(Params(), kBrowser));
  auto nonce = provider_->IdCardChallenge(card, kBrowser);
  Checked<Redirect> signed_in = provider_->IdCardLogin(card, kBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_TRUE(Passed(signed_in));
  EXPECT_TRUE(refused(card, kBrowser)) << "the known id followed the ID-card sign-in to its outcome";
  EXPECT_EQ(provider_->AppProgressNow(card, std::get<Redirect>(signed_in).browser).state, AppProgress::State::kDone);

  // The app: the page's form, then the app's answer. The one who began it waits on its
  // outcome from before the person starts the app (the page's long poll).
  const std::string app = RequestId(provider_->Authorize(Params(), kOtherBrowser));
  std::vector<AppProgress> theirs, persons_poll;
  provider_->AppWait(app, kOtherBrowser, std::chrono::seconds(25), [&](AppProgress p) { theirs.push_back(p); });
  Checked<AppStarted> started = provider_->AppStart(app, kOtherBrowser, "38001085718");
  ASSERT_TRUE(Passed(started));
  const std::string persons = std::get<AppStarted>(started).browser;
  EXPECT_TRUE(refused(app, kOtherBrowser)) << "the known id still opens the sign-in the person started";
  EXPECT_FALSE(Passed(provider_->AppStart(app, kOtherBrowser, "48705120271"))) << "taken over by a restart";
  EXPECT_EQ(provider_->Cancel(app, kOtherBrowser).status().code(), Code::kNotFound);
  int waits = 0;
  provider_->AppWait(app, kOtherBrowser, std::chrono::seconds(25), [&](AppProgress p) {
    ++waits;
    EXPECT_EQ(p.state, AppProgress::State::kRefused);
  });
  EXPECT_EQ(waits, 1) << "a long poll with the known id was kept, to be given the outcome";
  provider_->AppWait(app, persons, std::chrono::seconds(25), [&](AppProgress p) { persons_poll.push_back(p); });
  AppRequestView pending = provider_->AppPending("EE38001085718").at(0);
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  EXPECT_TRUE(refused(app, kOtherBrowser));
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].state, AppProgress::State::kWaiting) << "the long poll from before the start got the outcome";
  EXPECT_TRUE(theirs[0].browser.empty() && theirs[0].redirect.empty());
  ASSERT_EQ(persons_poll.size(), 1u);
  EXPECT_EQ(persons_poll[0].state, AppProgress::State::kDone);
  AppProgress done = provider_->AppProgressNow(app, persons);
  ASSERT_EQ(done.state, AppProgress::State::kDone);
  EXPECT_FALSE(QueryOf(done.redirect, "code").empty());
  EXPECT_TRUE(std::holds_alternative<Redirect>(provider_->Authorize(Params(kBank), done.browser)));
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), kOtherBrowser)));
}

// Someone begins a sign-in, starts the app on it themselves (with any personal code) and
// plants the id that gave them in the person's browser; the person lets that app request
// be and signs in with the ID-card there. The planted id follows the sign-in no further.
TEST_F(ProviderTest, AnIdCardSignInLeavesBehindAnIdSomeoneElseGotByStartingTheApp) {
  const std::string id = RequestId(provider_->Authorize(Params(), kOtherBrowser));
  Checked<AppStarted> theirs = provider_->AppStart(id, kOtherBrowser, "48705120271");
  ASSERT_TRUE(Passed(theirs));
  const std::string planted = std::get<AppStarted>(theirs).browser;
  auto nonce = provider_->IdCardChallenge(id, planted);
  ASSERT_TRUE(nonce.ok());
  Checked<Redirect> done = provider_->IdCardLogin(id, planted, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_TRUE(Passed(done));
  EXPECT_FALSE(provider_->View(id, planted));
  AppProgress followed = provider_->AppProgressNow(id, planted);
  EXPECT_EQ(followed.state, AppProgress::State::kRefused);
  EXPECT_TRUE(followed.browser.empty() && followed.redirect.empty()) << "the planted id got the outcome";
  EXPECT_EQ(provider_->AppProgressNow(id, std::get<Redirect>(done).browser).state, AppProgress::State::kDone);
}

// A tab whose form went with the browser's id from before another tab's start of the app
// (sent before that answer came) is told to reload, not given an id nothing follows: the
// browser's session went to the other tab's new id. Reloaded, it starts the app from
// that one, and so takes the browser (and its session) on from the first tab: the first
// tab's confirmation is then refused, saying so, and the second renews the session, one
// in all, which the browser reaches. And /authorize with that old id begins the sign-in
// under a fresh one.
TEST_F(ProviderTest, ATabWithAnIdThatMovedOnIsToldToReload) {
  const auto [tab1, tab2, before] = TwoSignInTabs();
  StartApp(tab1);
  Checked<AppStarted> stale = provider_->AppStart(tab2, before, "38001085718");
  ASSERT_FALSE(Passed(stale));
  EXPECT_EQ(std::get<Refused>(stale).why, Refusal::kBrowserChanged);
  Checked<AppStarted> reloaded = provider_->AppStart(tab2, Jar(kBrowser), "38001085718");
  ASSERT_TRUE(Passed(reloaded));
  jar_[kBrowser] = std::get<AppStarted>(reloaded).browser;
  int refused = 0;
  for (const AppRequestView& pending : provider_->AppPending("EE38001085718")) {
    Checked<bool> answered = provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash));
    if (!Passed(answered)) {
      EXPECT_EQ(std::get<Refused>(answered).why, Refusal::kBrowserChanged);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 1) << "the first tab's confirmation, after the second tab took the browser on";
  EXPECT_EQ(provider_->counts().sessions, 1u) << "the same person's session, renewed";
  AppProgress first = provider_->AppProgressNow(tab1, Jar(kBrowser));
  EXPECT_EQ(first.state, AppProgress::State::kRefused);
  EXPECT_EQ(first.refusal, Refusal::kBrowserChanged);
  AppProgress second = provider_->AppProgressNow(tab2, Jar(kBrowser));
  ASSERT_EQ(second.state, AppProgress::State::kDone);
  jar_[kBrowser] = second.browser;
  EXPECT_TRUE(std::holds_alternative<Redirect>(provider_->Authorize(Params(kBank), Jar(kBrowser))))
      << "the browser's new id reaches the session";
  // Started again, the first tab goes on, with the same session.
  AppRequestView again_pending = StartApp(tab1);
  ASSERT_TRUE(Passed(provider_->AnswerApp(again_pending.id, Answer(*jaan_, again_pending.hash))));
  EXPECT_EQ(provider_->AppProgressNow(tab1, Jar(kBrowser)).state, AppProgress::State::kDone);
  EXPECT_EQ(provider_->counts().sessions, 1u);

  AuthorizeOutcome out = provider_->Authorize(Params(), before);
  auto* login = std::get_if<ShowLogin>(&out);
  ASSERT_TRUE(login);
  ASSERT_FALSE(login->browser.empty()) << "a sign-in begun under an id that moved on";
  EXPECT_NE(login->browser, before);
  EXPECT_TRUE(provider_->View(login->request_id, login->browser));
  EXPECT_FALSE(provider_->View(login->request_id, before));
}

// Someone starts the app on a sign-in of their own (as themselves), begins a second sign-in
// with the id that gave them, plants that id in the person's browser and lures the person
// to the second one's page. The person starts the app there (a new id, theirs alone), and
// the other confirms their own sign-in in their app before the person confirms. That
// answer must not move the person's browser, nor bring an id into the person's sign-in:
// it is refused, as the id its start gave has moved on (the person's start), and the
// person's outcome and session stay out of the other one's reach.
TEST_F(ProviderTest, AnotherSignInOnAnIdThePersonMovedOnCannotPullThePersonsBrowserAlong) {
  SignInWithIdCard(*jaan_, kBrowser);  // the person's session, under the id of their browser
  const std::string theirs = RequestId(provider_->Authorize(Params(), kOtherBrowser));
  Checked<AppStarted> started = provider_->AppStart(theirs, kOtherBrowser, "48705120271");
  ASSERT_TRUE(Passed(started));
  const std::string planted = std::get<AppStarted>(started).browser;
  const std::string lure = RequestId(provider_->Authorize(Params(kBank), planted));
  Checked<AppStarted> persons = provider_->AppStart(lure, planted, "38001085718");
  ASSERT_TRUE(Passed(persons));
  const std::string person_id = std::get<AppStarted>(persons).browser;

  AppRequestView theirs_pending = provider_->AppPending("EE48705120271").at(0);
  Checked<bool> their_answer = provider_->AnswerApp(theirs_pending.id, Answer(Mari(), theirs_pending.hash));
  ASSERT_FALSE(Passed(their_answer)) << "their sign-in completed under an id the person moved on";
  EXPECT_EQ(std::get<Refused>(their_answer).why, Refusal::kBrowserChanged);
  AppProgress their_outcome = provider_->AppProgressNow(theirs, planted);
  EXPECT_EQ(their_outcome.state, AppProgress::State::kRefused);
  EXPECT_TRUE(their_outcome.browser.empty() && their_outcome.redirect.empty());
  EXPECT_EQ(provider_->counts().sessions, 1u);

  AppRequestView pending = provider_->AppPending("EE38001085718").at(0);
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  AppProgress done = provider_->AppProgressNow(lure, person_id);
  ASSERT_EQ(done.state, AppProgress::State::kDone);
  AppProgress followed = provider_->AppProgressNow(lure, planted);
  EXPECT_EQ(followed.state, AppProgress::State::kRefused);
  EXPECT_TRUE(followed.browser.empty() && followed.redirect.empty()) << "their id followed the person's sign-in";
  EXPECT_FALSE(provider_->View(lure, planted));
  AuthorizeOutcome sso = provider_->Authorize(Params(), done.browser);
  ASSERT_TRUE(std::holds_alternative<Redirect>(sso));
  Json claims = IdClaims(Exchange(CodeExchange(QueryOf(std::get<Redirect>(sso).url, "code")))["id_token"]);
  EXPECT_EQ(claims["sub"], "EE38001085718") << "the person's own session";
}

// The app started in one tab, then another person signs in with the ID-card in another:
// the first tab's confirmation is refused (the browser moved on, its session with it),
// and leaves the second person's session alone, the only one.
TEST_F(ProviderTest, AnAppConfirmationAfterAnotherTabsSignInIsRefused) {
  const std::string tab1 = RequestId(provider_->Authorize(Params(), kBrowser));
  const std::string tab2 = RequestId(provider_->Authorize(Params(kBank), kBrowser));
  AppRequestView pending = StartApp(tab1);
  auto nonce = provider_->IdCardChallenge(tab2, Jar(kBrowser));
  ASSERT_TRUE(nonce.ok());
  Checked<Redirect> mari = provider_->IdCardLogin(tab2, Jar(kBrowser), WebEidToken(Mari(), *nonce), kOrigin);
  ASSERT_TRUE(Passed(mari));
  Remember(kBrowser, mari);
  Checked<bool> late = provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash));
  ASSERT_FALSE(Passed(late));
  EXPECT_EQ(std::get<Refused>(late).why, Refusal::kBrowserChanged);
  EXPECT_EQ(provider_->counts().sessions, 1u);
  AuthorizeOutcome sso = provider_->Authorize(Params(), Jar(kBrowser));
  ASSERT_TRUE(std::holds_alternative<Redirect>(sso));
  Json claims = IdClaims(Exchange(CodeExchange(QueryOf(std::get<Redirect>(sso).url, "code")))["id_token"]);
  EXPECT_EQ(claims["sub"], "EE48705120271");
}

// An ID-card answer sent with an id another tab has moved on (its form went before that
// tab's answer reached the browser) is refused, not made a second session beside the
// browser's; sent again with the browser's id, it signs in, one session in all.
TEST_F(ProviderTest, AnIdCardAnswerWithAnIdThatMovedOnIsRefused) {
  const auto [tab1, tab2, before] = TwoSignInTabs();
  auto nonce = provider_->IdCardChallenge(tab2, before);
  ASSERT_TRUE(nonce.ok());
  StartApp(tab1);  // the browser, and its session, move on
  Checked<Redirect> stale = provider_->IdCardLogin(tab2, before, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_FALSE(Passed(stale));
  EXPECT_EQ(std::get<Refused>(stale).why, Refusal::kBrowserChanged);
  nonce = provider_->IdCardChallenge(tab2, Jar(kBrowser));
  ASSERT_TRUE(nonce.ok());
  ASSERT_TRUE(Passed(provider_->IdCardLogin(tab2, Jar(kBrowser), WebEidToken(*jaan_, *nonce), kOrigin)));
  EXPECT_EQ(provider_->counts().sessions, 1u);
}

// The app finished in one tab after the browser signed in with the ID-card in another:
// the same session goes on (not a second one beside it). When another person signs in
// that way, the first person's session ends and its services are told.
TEST_F(ProviderTest, AnAppSignInInAnotherTabRenewsOrEndsTheBrowsersSession) {
  const std::string tab1 = RequestId(provider_->Authorize(Params(kBank), kBrowser));
  const std::string tab2 = RequestId(provider_->Authorize(Params(), kBrowser));
  auto nonce = provider_->IdCardChallenge(tab1, kBrowser);
  Checked<Redirect> first = provider_->IdCardLogin(tab1, kBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_TRUE(Passed(first));
  Remember(kBrowser, first);
  AppRequestView pending = StartApp(tab2);
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(*jaan_, pending.hash))));
  EXPECT_EQ(provider_->counts().sessions, 1u) << "the same person's session, renewed";
  AppProgress done = provider_->AppProgressNow(tab2, Jar(kBrowser));
  ASSERT_EQ(done.state, AppProgress::State::kDone);
  jar_[kBrowser] = done.browser;
  EXPECT_TRUE(provider_->TakeLogoutNotices().empty());

  AuthorizeParams again = Params();
  again.prompt = "login";
  const std::string tab3 = RequestId(provider_->Authorize(again, Jar(kBrowser)));
  pending = StartApp(tab3, "48705120271");
  ASSERT_TRUE(Passed(provider_->AnswerApp(pending.id, Answer(Mari(), pending.hash))));
  EXPECT_EQ(provider_->counts().sessions, 1u) << "the first person's session goes on beside the second's";
  std::vector<LogoutNotice> told = provider_->TakeLogoutNotices();
  ASSERT_EQ(told.size(), 2u) << "the portal and the bank, where the first person signed in";
}

// Two tabs of one browser on sign-in pages: the sign-in in one gives the browser a new
// id, and the other tab's page goes on with it (the same session, not a second one).
// Someone else who knows the old id gets nothing of the session by signing in with it:
// a session of their own, the first person's untouched and not signed out.
TEST_F(ProviderTest, OtherTabsFollowTheNewIdWhileTheOldIdReachesNoSession) {
  const std::string tab1 = RequestId(provider_->Authorize(Params(), kBrowser));
  const std::string tab2 = RequestId(provider_->Authorize(Params(kBank), kBrowser));
  auto nonce = provider_->IdCardChallenge(tab2, kBrowser);
  Checked<Redirect> second = provider_->IdCardLogin(tab2, kBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_TRUE(Passed(second));
  const std::string now_id = std::get<Redirect>(second).browser;
  EXPECT_EQ(provider_->Cancel(tab2, kBrowser).status().code(), Code::kNotFound) << "cancelling a finished sign-in";
  ASSERT_TRUE(provider_->View(tab1, now_id)) << "the other tab, with the browser's new id";
  nonce = provider_->IdCardChallenge(tab1, now_id);
  ASSERT_TRUE(nonce.ok());
  Checked<Redirect> first = provider_->IdCardLogin(tab1, now_id, WebEidToken(*jaan_, *nonce), kOrigin);
  ASSERT_TRUE(Passed(first));
  EXPECT_EQ(provider_->counts().sessions, 1u) << "the same person's session, renewed";
  const std::string latest = std::get<Redirect>(first).browser;

  // A sign-in page opened with the old id after the browser moved on (someone who knew
  // it, luring the person there) is not the browser's: its new id does not open it. Nor
  // is it the old id's: it begins under a fresh one, given to whoever opened it.
  now_ += 1'000'000;
  AuthorizeOutcome opened = provider_->Authorize(Params(), kBrowser);
  const std::string lure = RequestId(opened);
  ASSERT_FALSE(std::get<ShowLogin>(opened).browser.empty());
  EXPECT_FALSE(provider_->View(lure, latest)) << "the browser was drawn into a request begun after it moved";
  EXPECT_FALSE(provider_->View(lure, now_id));
  EXPECT_FALSE(provider_->View(lure, kBrowser));

  // Someone who knew the old id signs in with it, as themselves.
  opened = provider_->Authorize(Params(), kBrowser);
  const std::string theirs = RequestId(opened);
  const std::string given = std::get<ShowLogin>(opened).browser;
  nonce = provider_->IdCardChallenge(theirs, given);
  ASSERT_TRUE(Passed(provider_->IdCardLogin(theirs, given, WebEidToken(Mari(), *nonce), kOrigin)));
  EXPECT_EQ(provider_->counts().sessions, 2u);
  EXPECT_TRUE(provider_->TakeLogoutNotices().empty()) << "the first person was signed out by someone else's sign-in";
  AuthorizeOutcome sso = provider_->Authorize(Params(kBank), latest);
  ASSERT_TRUE(std::holds_alternative<Redirect>(sso));
  Json claims = IdClaims(Exchange(BankExchange(QueryOf(std::get<Redirect>(sso).url, "code"), "jti-tabs"))["id_token"]);
  EXPECT_EQ(claims["sub"], "EE38001085718");
}

TEST_F(ProviderTest, SessionsEndAfterIdleAndAbsoluteTimeouts) {
  QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  now_ += 16 * 60 * 1'000'000LL;
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), kBrowser)));
  QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code");
  for (int i = 0; i < 52; ++i) {  // active every 14 minutes: still ends after 12 hours
    now_ += 14 * 60 * 1'000'000LL;
    provider_->Authorize(Params(kBank), kBrowser);
  }
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), kBrowser)));
}

TEST_F(ProviderTest, RefreshTokensRotateAndKeepTheSessionAlive) {
  Json tokens = Exchange(CodeExchange(QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code")));
  now_ += 10 * 60 * 1'000'000LL;
  TokenRequest refresh = RefreshExchange(tokens["refresh_token"]);
  Json renewed = Exchange(refresh);
  EXPECT_NE(renewed["refresh_token"], tokens["refresh_token"]);
  EXPECT_EQ(IdClaims(renewed["id_token"])["sid"], IdClaims(tokens["id_token"])["sid"]);
  EXPECT_EQ(ExchangeFails(refresh).error, "invalid_grant");  // used once
  // The refresh replaced the pair it came from: its access token is revoked with it.
  EXPECT_EQ(provider_->UserInfo(tokens["access_token"].get<std::string>()).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(provider_->UserInfo(renewed["access_token"].get<std::string>()).ok());
  EXPECT_EQ(provider_->counts().access_tokens, 1u);
  EXPECT_EQ(provider_->counts().refresh_tokens, 1u);
  now_ += 10 * 60 * 1'000'000LL;  // 20 minutes since sign-in, 10 since the refresh
  EXPECT_TRUE(std::holds_alternative<Redirect>(provider_->Authorize(Params(kBank), Jar(kBrowser))));
}

// Refreshing over and over does not use up the client's share of pairs in the session:
// another holder's pair (another tab's sign-in) stays valid.
TEST_F(ProviderTest, RefreshingDoesNotPushOutAnotherPairOfTheSameClient) {
  Json one = Exchange(CodeExchange(QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code")));
  Json other =
      Exchange(CodeExchange(QueryOf(std::get<Redirect>(provider_->Authorize(Params(), Jar(kBrowser))).url, "code")));
  std::string current = other["refresh_token"];
  for (int i = 0; i < 20; ++i) current = Exchange(RefreshExchange(current))["refresh_token"];
  EXPECT_EQ(provider_->counts().refresh_tokens, 2u);
  EXPECT_TRUE(Exchange(RefreshExchange(one["refresh_token"])).contains("access_token"));
}

TEST_F(ProviderTest, LogoutEndsTheSessionEverywhereWithBackChannelTokens) {
  Json portal = Exchange(CodeExchange(QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code")));
  auto bank = std::get<Redirect>(provider_->Authorize(Params(kBank), Jar(kBrowser)));
  Json bank_tokens = Exchange(BankExchange(QueryOf(bank.url, "code"), "jti-lo"));
  std::string hint = portal["id_token"];
  // Not from another browser.
  EXPECT_EQ(provider_->Logout(hint, "", "", kOtherBrowser).status().code(), Code::kPermissionDenied);
  EXPECT_FALSE(provider_->Logout(hint, "https://evil.test/", "", Jar(kBrowser)).ok());
  auto out = provider_->Logout(hint, "https://portal.riik.test/", "st-1", Jar(kBrowser));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->redirect, "https://portal.riik.test/?state=st-1");
  ASSERT_EQ(out->notices.size(), 2u);
  std::string sid = IdClaims(hint)["sid"];
  for (const auto& n : out->notices) {
    auto jws = ParseJws(n.logout_token);
    ASSERT_TRUE(jws.ok());
    EXPECT_EQ(jws->header["typ"], "logout+jwt");
    EXPECT_EQ(jws->payload["sid"], sid);
    EXPECT_EQ(jws->payload["sub"], "EE38001085718");
    EXPECT_TRUE(jws->payload["events"].contains("http://schemas.openid.net/event/backchannel-logout"));
    EXPECT_FALSE(jws->payload.contains("nonce"));
    EXPECT_TRUE(VerifyJws(*jws, keys_->Find(jws->kid)->key.get()).value());
  }
  EXPECT_FALSE(provider_->UserInfo(bank_tokens["access_token"].get<std::string>()).ok());
  EXPECT_EQ(provider_->counts().access_tokens, 0u) << "every token of the session revoked, not only unusable";
  EXPECT_EQ(provider_->counts().refresh_tokens, 0u);
  EXPECT_TRUE(std::holds_alternative<ShowLogin>(provider_->Authorize(Params(kBank), Jar(kBrowser))));
  // Signing out again is harmless.
  EXPECT_TRUE(provider_->Logout(hint, "", "", Jar(kBrowser)).ok());
}

TEST_F(ProviderTest, AnotherPersonSigningInOnTheSameBrowserEndsTheFirstSession) {
  Json first = Exchange(CodeExchange(QueryOf(SignInWithIdCard(*jaan_, kBrowser), "code")));
  AuthorizeParams again = Params();
  again.prompt = "login";
  std::string id = RequestId(provider_->Authorize(again, Jar(kBrowser)));
  auto nonce = provider_->IdCardChallenge(id, Jar(kBrowser));
  ASSERT_TRUE(Passed(provider_->IdCardLogin(id, Jar(kBrowser), WebEidToken(Mari(), *nonce), kOrigin)));
  EXPECT_FALSE(provider_->UserInfo(first["access_token"].get<std::string>()).ok());
  // The services the first person used there are told, once (a shared computer: the
  // next person must not find them signed in at the portal).
  std::vector<LogoutNotice> told = provider_->TakeLogoutNotices();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].uri, "https://portal.riik.test/backchannel");
  auto jws = ParseJws(told[0].logout_token);
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ(jws->payload["sub"], "EE38001085718");
  EXPECT_EQ(jws->payload["sid"], IdClaims(first["id_token"])["sid"]);
  EXPECT_TRUE(provider_->TakeLogoutNotices().empty());
}

TEST_F(ProviderTest, DiscoverySaysWhatThisProviderDoes) {
  Json d = provider_->Discovery();
  EXPECT_EQ(d["issuer"], kOrigin);
  EXPECT_EQ(d["token_endpoint"], std::string(kOrigin) + "/token");
  EXPECT_EQ(d["code_challenge_methods_supported"], Json::array({"S256"}));
  EXPECT_EQ(d["backchannel_logout_session_supported"], true);
}

TEST(KeyRingTest, ANewKeyIsPublishedBeforeItSigns) {
  riik::testing::TempDir dir;
  UnixMicros now = NowMicros();
  KeyRingOptions o;
  o.dir = dir / "keys";
  o.algorithms = {JwsAlg::kES256};
  o.publish_ahead = std::chrono::hours(1);
  o.clock = [&now] { return now; };
  auto ring = KeyRing::Open(o);
  ASSERT_TRUE(ring.ok());
  std::string first = (*ring)->Signing(JwsAlg::kES256)->kid;
  now += 10'000'000;
  ASSERT_TRUE((*ring)->Rotate(JwsAlg::kES256).ok());
  EXPECT_EQ((*ring)->Jwks()["keys"].size(), 2u);
  EXPECT_EQ((*ring)->Signing(JwsAlg::kES256)->kid, first);  // not yet: clients may not have the new key
  now += 3'601'000'000LL;
  std::string second = (*ring)->Signing(JwsAlg::kES256)->kid;
  EXPECT_NE(second, first);
  // Reopened from its files, the ring is the same; the files are private.
  auto again = KeyRing::Open(o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Signing(JwsAlg::kES256)->kid, second);
  EXPECT_EQ((*again)->Jwks()["keys"].size(), 2u);
  for (const auto& e : std::filesystem::directory_iterator(dir / "keys")) {
    EXPECT_EQ(std::filesystem::status(e).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  // The next rollover retires the first key.
  now += 10'000'000;
  ASSERT_TRUE((*ring)->Rotate(JwsAlg::kES256).ok());
  EXPECT_FALSE((*ring)->Find(first).ok());
  EXPECT_TRUE((*ring)->Find(second).ok());
}

}  // namespace
}  // namespace riik::auth
