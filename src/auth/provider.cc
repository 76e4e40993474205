// The provider's authorization requests, sign-in methods and sessions (provider.h);
// the token endpoint, userinfo and logout are in provider_tokens.cc.
#include "auth/provider.h"

#include <nlohmann/json.hpp>

#include "auth/impl/provider_state.h"
#include "auth/webeid.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"
#include "net/http.h"

namespace riik::auth {

using impl::PendingRequest;

std::string_view MethodAmr(Method m) { return m == Method::kIdCard ? "idcard" : "app"; }
std::string_view MethodAcr(Method m) { return m == Method::kIdCard ? "high" : "substantial"; }

Provider::Provider(ProviderOptions options, KeyRing& keys, ClientLookup clients, EidTrust trust, RefusalLog log)
    : options_(std::move(options)),
      keys_(keys),
      clients_(std::move(clients)),
      trust_(std::move(trust)),
      log_(std::move(log)),
      authenticator_(clients_, {options_.issuer + "/token", options_.issuer}, options_.clock),
      state_(std::make_unique<State>()) {
  pseudonym_key_ = RandomBytes(32).value();
}

Provider::~Provider() = default;

Json Provider::Discovery() const {
  const std::string& iss = options_.issuer;
  return {{"issuer", iss},
          {"authorization_endpoint", iss + "/authorize"},
          {"token_endpoint", iss + "/token"},
          {"userinfo_endpoint", iss + "/userinfo"},
          {"jwks_uri", iss + "/jwks"},
          {"end_session_endpoint", iss + "/logout"},
          {"response_types_supported", {"code"}},
          {"response_modes_supported", {"query"}},
          {"grant_types_supported", {"authorization_code", "refresh_token"}},
          {"subject_types_supported", {"public"}},
          {"id_token_signing_alg_values_supported", {"RS256", "ES256"}},
          {"token_endpoint_auth_methods_supported", {"client_secret_basic", "private_key_jwt"}},
          {"token_endpoint_auth_signing_alg_values_supported", {"RS256", "ES256", "ES384"}},
          {"code_challenge_methods_supported", {"S256"}},
          {"scopes_supported", options_.mandates ? Json{"openid", kLegalPersonScope} : Json{"openid"}},
          {"claims_supported",
           {"sub", "profile_attributes", "amr", "acr", "auth_time", "nonce", "at_hash", "sid", "given_name",
            "family_name", "birthdate", "represents_legal_person"}},
          {"acr_values_supported", {"low", "substantial", "high"}},
          {"ui_locales_supported", {"en", "et"}},
          {"backchannel_logout_supported", true},
          {"backchannel_logout_session_supported", true},
          {"frontchannel_logout_supported", false}};
}

std::string Provider::Pseudonym(std::string_view code) const {
  return DigestHex(Sha256(pseudonym_key_ + std::string(code))).substr(0, 16);
}

// Logs a refusal. Nothing is counted against the person or the service named: anyone
// can name them (a personal code, a client_id, a public certificate), so a count would
// let a stranger lock them out. An eID's PIN tries are counted by the card itself.
void Provider::Refuse(const std::string& client, Method method, const Refused& refused, std::string_view code) {
  if (log_) log_(client, MethodAmr(method), refused, code.empty() ? "" : Pseudonym(code));
}

AuthorizeOutcome Provider::Authorize(const AuthorizeParams& p, const std::string& browser) {
  auto client = clients_(p.client_id);
  if (!client.ok()) return OAuthError{"unauthorized_client", "unknown client_id", ""};
  if (!client->HasRedirect(p.redirect_uri)) {
    return OAuthError{"invalid_request", "redirect_uri is not one the client registered", ""};
  }
  auto fail = [&](std::string error, std::string description) {
    std::vector<std::pair<std::string, std::string>> q = {{"error", error}, {"error_description", description}};
    if (!p.state.empty() && p.state.size() <= 512) q.emplace_back("state", p.state);
    return OAuthError{std::move(error), description, impl::WithQuery(p.redirect_uri, q)};
  };
  if (p.response_type != "code") return fail("unsupported_response_type", "response_type must be code");
  if (!impl::HasScope(p.scope, "openid")) return fail("invalid_scope", "scope must include openid");
  if (p.state.size() < 8 || p.state.size() > 512) return fail("invalid_request", "state must be 8 to 512 characters");
  if (p.nonce.size() > 512) return fail("invalid_request", "nonce is over 512 characters");
  if (p.code_challenge_method != "S256") return fail("invalid_request", "PKCE is required: code_challenge_method S256");
  if (p.code_challenge.size() != 43 || !Base64UrlDecode(p.code_challenge).ok()) {
    return fail("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier");
  }
  if (!impl::AcrRank(p.acr_values)) return fail("invalid_request", "acr_values must be low, substantial or high");
  const bool for_company = impl::HasScope(p.scope, kLegalPersonScope);
  if (for_company && !options_.mandates) {
    return fail("invalid_scope", "this sign-in service does not offer acting for a company (legalperson)");
  }
  // Kept with the pending request: bounded, as anyone may start one.
  if (p.scope.size() > 1024) return fail("invalid_scope", "scope is over 1,024 characters");
  if (p.ui_locales.size() > 64) return fail("invalid_request", "ui_locales is over 64 characters");
  if (!p.prompt.empty() && p.prompt != "login" && p.prompt != "none" && p.prompt != "consent") {
    return fail("invalid_request", "prompt must be none, login or consent");
  }
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  // Single sign-on: this browser's session, if it is alive and strong enough. Acting for
  // a company, the person still chooses whom they act for this time.
  std::string signed_in;
  if (p.prompt != "login") {
    if (impl::Session* s = state_->LiveSession(browser, now, options_)) {
      if (*impl::AcrRank(std::string(MethodAcr(s->method))) >= *impl::AcrRank(p.acr_values)) {
        s->last_active = now;
        if (!for_company) return Redirect{state_->IssueCode(*s, *client, p, now, options_)};
        if (p.prompt == "none") return fail("interaction_required", "the person must choose whom they act for");
        signed_in = s->sid;
      }
    }
  }
  if (p.prompt == "none" && signed_in.empty()) return fail("login_required", "the person is not signed in");
  // An id that moved on opens nothing (its session went with the move) and could start
  // no app flow (AppStart): the sign-in begins under a fresh one.
  std::string fresh_browser;
  if (state_->browser_moved.contains(browser)) {
    auto fresh = RandomToken(32);
    if (!fresh.ok()) return fail("server_error", "no randomness");
    fresh_browser = *fresh;
  }
  // Full: the oldest pending sign-in makes room. Anyone can start sign-ins with a client's
  // public id and redirect URI; refusing new ones when full would let a stranger lock
  // everyone out, while this way they must start that many (100,000) within one person's
  // sign-in.
  while (state_->requests.size() >= options_.max_pending_requests && !state_->request_order.empty()) {
    if (auto old = state_->requests.find(state_->request_order.front()); old != state_->requests.end()) {
      state_->app_requests.erase(old->second.app_request);  // its page's waiters learn at their deadline
      state_->requests.erase(old);
    }
    state_->request_order.pop_front();
  }
  auto id = RandomToken(24);
  auto csrf = RandomToken(24);
  if (!id.ok() || !csrf.ok()) return fail("server_error", "no randomness");
  PendingRequest r;
  r.id = *id;
  r.csrf = *csrf;
  r.browser = fresh_browser.empty() ? browser : fresh_browser;
  r.params = p;
  r.client = *client;
  r.created = now;
  r.since = now;
  r.signed_in = std::move(signed_in);
  state_->request_order.push_back(r.id);
  state_->requests[r.id] = std::move(r);
  return ShowLogin{*id, fresh_browser};
}

std::optional<LoginView> Provider::View(const std::string& request_id, const std::string& browser) {
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
  if (!r) return std::nullopt;
  LoginView v;
  v.csrf = r->csrf;
  v.client_name = r->client.name;
  v.redirect_uri = r->params.redirect_uri;
  v.min_acr = r->params.acr_values;
  v.locale = r->params.ui_locales.starts_with("et") ? "et" : "en";
  if (auto it = state_->app_requests.find(r->app_request); it != state_->app_requests.end()) {
    v.app_pending = true;
    v.verification_code = VerificationCode(it->second.hash);
  }
  if (auto s = state_->sessions.find(r->signed_in); !r->finished && s != state_->sessions.end()) {
    v.choose_party = true;
    v.person_name = s->second.person.given_name + " " + s->second.person.family_name;
  }
  return v;
}

Result<Redirect> Provider::Cancel(const std::string& request_id, const std::string& browser) {
  std::vector<impl::Woken> woken;
  Redirect out;
  {
    std::lock_guard lock(state_->mu);
    PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
    if (!r || r->finished) return NotFound("no sign-in in progress");
    std::vector<std::pair<std::string, std::string>> q = {{"error", "user_cancel"},
                                                          {"error_description", "the person cancelled the sign-in"}};
    q.emplace_back("state", r->params.state);
    out.url = impl::WithQuery(r->params.redirect_uri, q);
    r->progress = {AppProgress::State::kRefused, "", Refusal::kUserCancel};
    woken = state_->TakeWaiters(request_id, r->progress);
    state_->app_requests.erase(r->app_request);
    r->finished = true;
  }
  for (auto& w : woken) w();
  return out;
}

Result<std::string> Provider::IdCardChallenge(const std::string& request_id, const std::string& browser) {
  ASSIGN_OR_RETURN(std::string random, RandomBytes(kWebEidNonceBytes));
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
  if (!r || !r->open()) return NotFound("no sign-in in progress");
  r->challenge = Base64Encode(random);
  r->challenge_at = options_.clock();
  return r->challenge;
}

Checked<Redirect> Provider::IdCardLogin(const std::string& request_id, const std::string& browser,
                                        std::string_view token_json, std::string_view origin) {
  std::string nonce, client_id;
  {
    std::lock_guard lock(state_->mu);
    PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
    if (!r || !r->open()) return Refused{Refusal::kChallengeUnknown, "no sign-in in progress for this browser"};
    client_id = r->client.id;
    if (r->challenge.empty()) {
      Refused refused{Refusal::kChallengeUnknown, "no challenge, or it was used already"};
      Refuse(client_id, Method::kIdCard, refused, "");
      return refused;
    }
    nonce = std::exchange(r->challenge, "");  // single use, whatever follows
    if (options_.clock() - r->challenge_at > options_.challenge_lifetime.count() * 1'000'000) {
      Refused refused{Refusal::kChallengeExpired, "the challenge is over 5 minutes old"};
      Refuse(client_id, Method::kIdCard, refused, "");
      return refused;
    }
  }
  auto token = ParseWebEidToken(token_json);
  if (!token.ok()) {
    Refused refused{Refusal::kMalformedToken, token.status().message()};
    Refuse(client_id, Method::kIdCard, refused, "");
    return refused;
  }
  // The person the certificate names, for the log's pseudonym (not trusted yet).
  std::string code;
  if (auto cert = trust_.ParseCertificate(token->certificate_der); cert.ok()) {
    if (auto named = PersonFromCertificate(cert->get()); named.ok()) code = named->code;
  }
  Checked<Person> person = VerifyWebEidToken(*token, origin, nonce, trust_);
  if (!Passed(person)) {
    Refuse(client_id, Method::kIdCard, std::get<Refused>(person), code);
    return std::get<Refused>(person);
  }
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
  if (!r || !r->open()) return Refused{Refusal::kChallengeUnknown, "the sign-in ended meanwhile"};
  // Sent with a value another tab has moved on (before that answer reached the browser):
  // the browser's session went with it, and this is not to make a second one beside it.
  if (state_->browser_moved.contains(browser)) {
    Refused refused{Refusal::kBrowserChanged, "the browser's id moved on in another tab"};
    Refuse(client_id, Method::kIdCard, refused, code);
    return refused;
  }
  std::string url =
      state_->Complete(*r, browser, std::get<Person>(person), Method::kIdCard, options_.clock(), options_);
  return Redirect{std::move(url), r->browser_after};
}

Checked<AppStarted> Provider::AppStart(const std::string& request_id, const std::string& browser,
                                       std::string_view personal_code) {
  auto code = identity::PersonalCode::Parse(personal_code);
  std::string client_id;
  {
    std::lock_guard lock(state_->mu);
    PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
    if (!r || !r->open()) return Refused{Refusal::kChallengeUnknown, "no sign-in in progress for this browser"};
    // The page offers no app where the service asked for more than it gives; nor does this.
    if (*impl::AcrRank(r->params.acr_values) > *impl::AcrRank(std::string(MethodAcr(Method::kApp)))) {
      return Refused{Refusal::kLevelTooLow, "the service asked for acr " + r->params.acr_values};
    }
    client_id = r->client.id;
  }
  if (!code.ok()) return Refused{Refusal::kInvalidPersonalCode, code.status().message()};
  auto hash = RandomBytes(kAppHashBytes);
  auto app_id = RandomToken(24);
  if (!hash.ok() || !app_id.ok()) return Refused{Refusal::kInternal, "no randomness"};
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
  if (!r || !r->open()) return Refused{Refusal::kChallengeUnknown, "the sign-in ended meanwhile"};
  // From here the sign-in is this browser's alone: whoever else knew the id it sent
  // cannot follow the sign-in to its outcome (the browser's renewed session). Again at
  // each start: an id that someone else started the app with and planted is left behind
  // too. Not from an id that moved on already: its session went with it, to where this
  // browser (a tab whose cookie is out of date) or someone else (who knew the old value)
  // cannot be told apart.
  if (state_->browser_moved.contains(browser)) {
    return Refused{Refusal::kBrowserChanged, "the browser's id moved on in another tab"};
  }
  // Each start moves the browser to a new id, kept for a request's lifetime, whoever starts
  // (a made-up personal code will do): when the service holds as many as its pages could
  // take, starts wait for old ones to expire rather than the memory growing without end.
  if (state_->browser_moved.size() >= impl::kMaxAppStarts * options_.max_pending_requests) {
    return Refused{Refusal::kBusy, "as many app starts as kept within a request's lifetime"};
  }
  if (++r->app_starts > impl::kMaxAppStarts) {
    return Refused{Refusal::kStartedTooOften, "the app was started on this page too often"};
  }
  auto bound = state_->Bind(*r, browser, options_.clock(), options_);
  if (!bound.ok()) return Refused{Refusal::kInternal, "no randomness"};
  // At most one app request per pending sign-in (the earlier one goes), and pending
  // sign-ins are bounded (the oldest makes room): no bound of its own here, which a
  // stranger's sign-ins could fill for everyone.
  state_->app_requests.erase(r->app_request);
  impl::AppRequest a;
  a.id = *app_id;
  a.request_id = request_id;
  a.person_code = code->code;
  a.hash = *hash;
  a.client_name = r->client.name;
  a.expires = options_.clock() + options_.app_request_lifetime.count() * 1'000'000;
  r->app_request = a.id;
  r->progress = {};
  state_->app_requests[a.id] = std::move(a);
  return AppStarted{VerificationCode(*hash), *bound};
}

AppProgress Provider::AppProgressNow(const std::string& request_id, const std::string& browser) {
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
  if (!r) return {AppProgress::State::kRefused, "", Refusal::kChallengeUnknown};
  return r->progress;
}

void Provider::AppWait(const std::string& request_id, const std::string& browser, std::chrono::milliseconds wait,
                       std::function<void(AppProgress)> done) {
  AppProgress now_progress;
  {
    std::lock_guard lock(state_->mu);
    PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
    if (!r) {
      now_progress = {AppProgress::State::kRefused, "", Refusal::kChallengeUnknown};
    } else if (r->progress.state == AppProgress::State::kWaiting && wait.count() > 0 &&
               state_->waiters.size() < impl::kMaxWaiters) {
      state_->waiters.emplace(request_id,
                              impl::Waiter{options_.clock() + wait.count() * 1000, browser, std::move(done)});
      return;
    } else {
      now_progress = r->progress;
    }
  }
  done(now_progress);
}

std::vector<AppRequestView> Provider::AppPending(std::string_view subject) {
  std::vector<AppRequestView> out;
  if (!subject.starts_with("EE")) return out;
  std::string_view code = subject.substr(2);
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  for (const auto& [id, a] : state_->app_requests) {
    if (a.person_code == code && !a.answered && a.expires > now) {
      out.push_back({a.id, a.hash, a.purpose, a.description, a.client_name, a.expires});
    }
  }
  return out;
}

// Anyone may post to a request: its id is listed for the person's code. So an answer that
// does not verify is its sender's failure alone: the request waits on for the person's
// own answer, and nothing is counted against the person or the service. Only a verified
// answer (or a verified decline) ends it.
Checked<bool> Provider::AnswerApp(const std::string& app_request_id, const AppAnswer& answer) {
  impl::AppRequest a;
  std::string client_id;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->app_requests.find(app_request_id);
    if (it == state_->app_requests.end() || it->second.answered) {
      return Refused{Refusal::kChallengeUnknown, "no such request waits in the app"};
    }
    if (it->second.expires <= options_.clock()) return Refused{Refusal::kTimedOut, "the request expired"};
    a = it->second;
    auto r = state_->requests.find(a.request_id);
    if (r != state_->requests.end()) client_id = r->second.client.id;
  }
  if (!a.signing.empty()) return AnswerSigning(a, answer);
  bool key_signed = false;
  Checked<Person> person = VerifyAppAnswer(answer, a.person_code, SignInHash(options_.issuer, a.hash),
                                           CertPurpose::kAuthentication, trust_, &key_signed);
  std::vector<impl::Woken> woken;
  AppProgress progress;
  std::optional<Refused> moved;
  if (!Passed(person)) {
    const Refused refused = std::get<Refused>(person);
    Refuse(client_id, Method::kApp, refused, a.person_code);
    // Signed with the person's key, but the certificate does not hold (revoked, expired,
    // OCSP unreachable): the person's own answer, so it ends the sign-in, and the browser
    // says why. A stranger's (no such signature) leaves it waiting.
    if (key_signed) {
      progress = {AppProgress::State::kRefused, "", refused.why};
      {
        std::lock_guard lock(state_->mu);
        auto it = state_->app_requests.find(app_request_id);
        if (it == state_->app_requests.end() || it->second.answered) return refused;
        it->second.answered = true;
        if (auto r = state_->requests.find(a.request_id); r != state_->requests.end()) r->second.progress = progress;
        woken = state_->TakeWaiters(a.request_id, progress);
      }
      for (auto& w : woken) w();
    }
    return refused;
  }
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->app_requests.find(app_request_id);
    if (it == state_->app_requests.end() || it->second.answered) {
      return Refused{Refusal::kChallengeUnknown, "the request was answered meanwhile"};
    }
    it->second.answered = true;
    auto r = state_->requests.find(a.request_id);
    if (r == state_->requests.end() || !r->second.open() || r->second.app_request != a.id) {
      return Refused{Refusal::kTimedOut, "the sign-in ended meanwhile"};
    }
    if (state_->browser_moved.contains(r->second.browser)) {
      // The browser moved on from the id this start gave it: another tab started the app
      // or signed in since, and took the browser's session along. The sign-in is not to
      // make a second session beside that one, nor to follow the move (someone else may
      // hold the id: they started the app on their own sign-in and planted it, and the
      // person's start moved it on; following it, their answer would move the person's
      // browser to an id of theirs). The page says so; started again, it goes on.
      moved = Refused{Refusal::kBrowserChanged, "the browser moved on in another tab after the app was started"};
      r->second.progress = {AppProgress::State::kRefused, "", moved->why};
      state_->app_requests.erase(it);
      r->second.app_request.clear();
    } else {
      state_->Complete(r->second, r->second.browser, std::get<Person>(person), Method::kApp, options_.clock(),
                       options_);
    }
    // kDone with the browser's new id, or the refusal: for the browser that started the
    // app alone.
    woken = state_->TakeWaiters(a.request_id, r->second.progress);
  }
  for (auto& w : woken) w();
  if (moved) {
    Refuse(client_id, Method::kApp, *moved, a.person_code);
    return *moved;
  }
  return true;
}

Status Provider::DeclineApp(const std::string& app_request_id, const AppAnswer& signed_decline) {
  std::string person_code;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->app_requests.find(app_request_id);
    if (it == state_->app_requests.end() || it->second.answered) return NotFound("no such request waits in the app");
    person_code = it->second.person_code;
  }
  Checked<Person> person =
      VerifyAppAnswer(signed_decline, person_code, DeclineHash(app_request_id), CertPurpose::kAuthentication, trust_);
  if (!Passed(person)) {
    return PermissionDenied("a decline is the person's own, signed with PIN1: " + std::get<Refused>(person).detail);
  }
  std::vector<impl::Woken> woken;
  AppProgress progress{AppProgress::State::kRefused, "", Refusal::kUserCancel};
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->app_requests.find(app_request_id);
    if (it == state_->app_requests.end() || it->second.answered) return NotFound("no such request waits in the app");
    it->second.answered = true;
    if (auto session = state_->signing.find(it->second.signing); session != state_->signing.end()) {
      session->second.progress.state = SigningProgress::State::kRefused;
      session->second.progress.refusal = Refusal::kUserCancel;
    }
    auto r = state_->requests.find(it->second.request_id);
    if (r != state_->requests.end()) r->second.progress = progress;
    woken = state_->TakeWaiters(it->second.request_id, progress);
  }
  for (auto& w : woken) w();
  return OkStatus();
}

Result<std::vector<LegalPerson>> Provider::Mandates(const std::string& request_id, const std::string& browser) {
  Person person;
  {
    std::lock_guard lock(state_->mu);
    PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_);
    if (!r || r->finished || r->signed_in.empty()) return NotFound("no sign-in waits for whom the person acts for");
    if (r->mandates) return *r->mandates;
    auto s = state_->sessions.find(r->signed_in);
    if (s == state_->sessions.end()) return NotFound("the person's session has ended");
    person = s->second.person;
  }
  // Live from the business register, outside the lock: it is a call through the exchange.
  ASSIGN_OR_RETURN(std::vector<LegalPerson> companies, options_.mandates(person));
  std::lock_guard lock(state_->mu);
  if (PendingRequest* r = state_->Find(request_id, browser, options_.clock(), options_); r && !r->finished) {
    r->mandates = companies;
  }
  return companies;
}

Result<Redirect> Provider::Represent(const std::string& request_id, const std::string& browser,
                                     std::string_view registry_code) {
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  PendingRequest* r = state_->Find(request_id, browser, now, options_);
  if (!r || r->finished || r->signed_in.empty()) return NotFound("no sign-in waits for whom the person acts for");
  auto s = state_->sessions.find(r->signed_in);
  if (s == state_->sessions.end() || !state_->Alive(s->second, now, options_)) {
    return FailedPrecondition("the sign-in has ended; start again from the service");
  }
  std::optional<LegalPerson> party;
  if (!registry_code.empty()) {
    if (!r->mandates) return FailedPrecondition("the companies the person may act for have not been read");
    for (const LegalPerson& c : *r->mandates) {
      if (c.registry_code == registry_code) party = c;
    }
    if (!party) return PermissionDenied("the business register does not name the person on that company's board");
  }
  r->finished = true;
  s->second.last_active = now;
  return Redirect{state_->IssueCode(s->second, r->client, r->params, now, options_, party)};
}

void Provider::Sweep() {
  std::vector<impl::Waiter> due = state_->Sweep(options_.clock(), options_);
  for (auto& w : due) w.done(AppProgress{});
}

Provider::Counts Provider::counts() const {
  std::lock_guard lock(state_->mu);
  return {state_->sessions.size(), state_->requests.size(), state_->access.size(), state_->refresh.size()};
}

}  // namespace riik::auth
