// Signing a browser in through the state's sign-in service (web_sign_in.h).
#include "node/web_sign_in.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "auth/id_token_check.h"
#include "auth/login_state.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "net/client_pool.h"

namespace riik::node {
namespace {

// A full session table is cleared of ended sessions at most this often (it reads it all).
constexpr int64_t kSweepIntervalUs = 1'000'000;
// Sessions of one person at once (browsers, devices, tabs that signed in again): beyond
// it their oldest ends, so that one person signing in over and over through single
// sign-on ends none but their own.
constexpr size_t kMaxSessionsPerPerson = 16;
constexpr int64_t kJwksRefetchUs = 10 * 1'000'000LL;
// The browser keeps its sign-in's cookie a little longer than the sign-in lives, so that a
// late return is told it was too late rather than that it began elsewhere.
constexpr int64_t kLoginCookieSeconds = auth::LoginStates::kLifetimeUs / 1'000'000 + 5 * 60;

}  // namespace

WebSignIn::WebSignIn(WebSignInOptions options) : options_(std::move(options)) {}
WebSignIn::~WebSignIn() = default;

Result<std::unique_ptr<WebSignIn>> WebSignIn::Start(WebSignInOptions options) {
  std::unique_ptr<WebSignIn> s(new WebSignIn(std::move(options)));
  s->pool_ = std::make_unique<net::ClientPool>(s->options_.http, 16);
  ASSIGN_OR_RETURN(std::string login_key, RandomBytes(32));
  s->logins_ = std::make_unique<auth::LoginStates>(std::move(login_key));
  // The issuer as the provider states it in its discovery document.
  auto discovery =
      net::Fetch("GET", s->options_.auth_url + "/.well-known/openid-configuration", {}, "", s->options_.http);
  if (!discovery.ok()) return discovery.status().WithContext("the sign-in service's discovery document");
  ASSIGN_OR_RETURN(Json doc, ParseJson(discovery->body));
  s->issuer_ = StringOr(doc, "issuer");
  if (s->issuer_.empty()) return DataLoss("the sign-in service's discovery document names no issuer");
  return s;
}

std::string WebSignIn::CookieName(std::string_view base) const {
  return (options_.secure ? "__Host-" : "") + options_.cookie_prefix + "_" + std::string(base);
}

std::string WebSignIn::CookieAttributes() const {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (options_.secure ? "; Secure" : "");
}

bool WebSessionExpired(const WebSession& s, UnixMicros now, const WebSignInOptions& o) {
  return now - s.last_active > o.idle.count() * 1'000'000 || now - s.created > o.absolute.count() * 1'000'000;
}

std::optional<WebSession> WebSignIn::Find(const net::HttpRequest& req) {
  const UnixMicros now = options_.clock();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(req.Cookie(CookieName("session")));
  if (it == sessions_.end()) return std::nullopt;
  if (WebSessionExpired(it->second, now, options_)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_active = now;
  return it->second;
}

std::string WebSignIn::EndedLoginCookie() const {
  return CookieName("login") + "=" + CookieAttributes() + "; Max-Age=0";
}

void WebSignIn::AddCookie(net::HttpResponse& answer, const std::string& set_cookie) {
  if (!set_cookie.empty()) answer.headers.Add("Set-Cookie", set_cookie);
}

net::HttpResponse WebSignIn::Login(std::string_view scope, std::string_view ui_locales) {
  // Nothing is kept here of a sign-in under way (auth/login_state.h): anyone can start
  // sign-ins, as many as they like, and none of them pushes out another's.
  auto login = logins_->Make(options_.clock());
  if (!login.ok()) return net::JsonError(500, "internal", "no randomness");
  std::string challenge = Base64UrlEncode(DigestBytes(Sha256(login->secrets.verifier)));
  net::HttpResponse r =
      net::SeeOther(options_.auth_url + "/authorize?response_type=code&scope=" + net::PercentEncode(scope) +
                    "&client_id=" + net::PercentEncode(options_.client_id) +
                    "&redirect_uri=" + net::PercentEncode(options_.url + "/callback") + "&state=" + login->state +
                    "&nonce=" + login->secrets.nonce + "&code_challenge=" + challenge + "&code_challenge_method=S256" +
                    (ui_locales.empty() ? "" : "&ui_locales=" + net::PercentEncode(ui_locales)));
  // The state is bound to this browser: a code arriving in another browser is refused.
  r.headers.Add("Set-Cookie", CookieName("login") + "=" + login->state + CookieAttributes() +
                                  "; Max-Age=" + std::to_string(kLoginCookieSeconds));
  return r;
}

void WebSignIn::WithJwks(bool refresh, Then then) {
  Json held;
  {
    std::lock_guard lock(mu_);
    held = jwks_;
  }
  if (!refresh && held.is_object()) return then(std::move(held));  // outside the lock: `then` takes it
  pool_->SendAsync(options_.auth_url, "GET", "/jwks", {}, "", "", [this, then](Result<net::HttpResponse> r) {
    if (!r.ok()) return then(r.status());
    if (r->status != 200) return then(Unavailable("the sign-in service's JWKS answered " + std::to_string(r->status)));
    auto keys = ParseJson(r->body);
    if (keys.ok()) {
      std::lock_guard lock(mu_);
      jwks_ = *keys;
    }
    then(std::move(keys));
  });
}

void WebSignIn::CheckWithJwks(Check check, Then then, bool limited) {
  WithJwks(false, [this, check, then, limited](Result<Json> keys) {
    if (!keys.ok()) return then(keys.status());
    auto claims = check(*keys);
    if (claims.ok()) return then(std::move(claims));
    // Once more against a fresh JWKS (a key rolled over). A logout token anyone may post:
    // then at most once every 10 s, so that each refused one does not cost the sign-in
    // service a fetch and this service a place in the queue its sign-ins use. (An ID
    // token comes from this service's own call to /token: always.)
    if (limited) {
      std::lock_guard lock(mu_);
      const UnixMicros now = options_.clock();
      if (now - jwks_fetched_ < kJwksRefetchUs) return then(std::move(claims));
      jwks_fetched_ = now;
    }
    WithJwks(true, [check, then](Result<Json> fresh) { then(fresh.ok() ? check(*fresh) : fresh.status()); });
  });
}

void WebSignIn::Callback(const net::HttpRequest& req, std::string_view home, Done done) {
  const std::string state = req.QueryParam("state");
  if (state.empty() || !SameToken(req.Cookie(CookieName("login")), state)) {
    spdlog::info("{}: a sign-in came back to a browser that is not waiting for it", options_.client_id);
    return done(InvalidArgument("This sign-in was not started in this browser, or another one was started here "
                                "since. Please sign in again."),
                "");
  }
  // This browser's sign-in: whatever the answer, it ends it.
  const std::string ended = EndedLoginCookie();
  auto login = logins_->Open(state, options_.clock());
  if (!login.ok()) {
    spdlog::warn("{}: a sign-in's state refused: {}", options_.client_id, login.status().message());
    const Code why = login.status().code();
    return done(InvalidArgument(why == Code::kDeadlineExceeded
                                    ? "This sign-in has expired: it lasts 10 minutes. Please sign in again."
                                    : "This sign-in was not started here, or the service has restarted since. "
                                      "Please sign in again."),
                ended);
  }
  if (std::string error = req.QueryParam("error"); !error.empty()) {
    net::HttpResponse r = net::SeeOther(std::string(home) + "?error=" + net::PercentEncode(error));
    AddCookie(r, ended);
    return done(std::move(r), ended);
  }
  net::Headers headers;
  headers.Add("Content-Type", "application/x-www-form-urlencoded");
  headers.Add("Authorization", "Basic " + Base64Encode(net::PercentEncode(options_.client_id) + ":" +
                                                       net::PercentEncode(options_.secret)));
  std::string body = "grant_type=authorization_code&code=" + net::PercentEncode(req.QueryParam("code")) +
                     "&redirect_uri=" + net::PercentEncode(options_.url + "/callback") +
                     "&code_verifier=" + login->verifier;
  pool_->SendAsync(options_.auth_url, "POST", "/token", headers, std::move(body), "",
                   [this, nonce = login->nonce, home = std::string(home), done](Result<net::HttpResponse> token) {
                     FinishSignIn(std::move(token), nonce, home, done);
                   });
}

void WebSignIn::FinishSignIn(Result<net::HttpResponse> token, std::string nonce, std::string home, Done done) {
  auto tokens = !token.ok()            ? Result<Json>(token.status())
                : token->status != 200 ? Result<Json>(Unavailable(token->body.substr(0, 300)))
                                       : ParseJson(token->body);
  if (!tokens.ok()) {
    spdlog::warn("{}: the token endpoint refused the code: {}", options_.client_id, tokens.status().message());
    return done(Unavailable("The sign-in service did not confirm the sign-in."), EndedLoginCookie());
  }
  std::string id_token = StringOr(*tokens, "id_token"), access = StringOr(*tokens, "access_token");
  auth::ExpectedToken expected{issuer_, options_.client_id, options_.clock()};
  CheckWithJwks([id_token, access, expected, nonce = std::move(nonce)](
                    const Json& keys) { return auth::CheckIdToken(id_token, keys, expected, nonce, access); },
                [this, id_token, home, done](Result<Json> claims) {
                  if (!claims.ok()) {
                    spdlog::warn("{}: ID token refused: {}", options_.client_id, claims.status().message());
                    return done(Unavailable("The sign-in could not be verified."), EndedLoginCookie());
                  }
                  auto cookie = RandomToken(32), csrf = RandomToken(24);
                  if (!cookie.ok() || !csrf.ok()) return done(Internal("no randomness"), EndedLoginCookie());
                  {
                    std::lock_guard lock(mu_);
                    const UnixMicros now = options_.clock();
                    AddSession(*cookie, WebSession{*claims, id_token, StringOr(*claims, "sid"), *csrf, now, now});
                  }
                  net::HttpResponse r = net::SeeOther(home);
                  r.headers.Add("Set-Cookie", CookieName("session") + "=" + *cookie + CookieAttributes());
                  const std::string ended = EndedLoginCookie();
                  AddCookie(r, ended);  // a reload cannot send the code again
                  done(std::move(r), ended);
                },
                /*limited=*/false);
}

void WebSignIn::AddSession(const std::string& cookie, WebSession session) {
  const std::string person = StringOr(session.claims, "sub");
  std::deque<std::string>& mine = person_sessions_[person];
  std::erase_if(mine, [this](const std::string& c) { return !sessions_.contains(c); });
  while (mine.size() >= kMaxSessionsPerPerson) {
    sessions_.erase(mine.front());
    mine.pop_front();
  }
  const size_t max = options_.max_sessions;
  if (sessions_.size() >= max) {  // the ended ones go first, then the oldest
    const UnixMicros now = options_.clock();
    if (now - swept_ >= kSweepIntervalUs) {
      swept_ = now;
      std::erase_if(sessions_, [&](const auto& e) { return WebSessionExpired(e.second, now, options_); });
    }
    while (sessions_.size() >= max && !session_order_.empty()) {
      sessions_.erase(session_order_.front());
      session_order_.pop_front();
    }
  }
  sessions_[cookie] = std::move(session);
  mine.push_back(cookie);
  session_order_.push_back(cookie);
  if (session_order_.size() > 2 * max) {
    std::erase_if(session_order_, [this](const std::string& c) { return !sessions_.contains(c); });
  }
  if (person_sessions_.size() > 2 * max) {  // people whose sessions have all ended
    for (auto it = person_sessions_.begin(); it != person_sessions_.end();) {
      std::erase_if(it->second, [this](const std::string& c) { return !sessions_.contains(c); });
      it = it->second.empty() ? person_sessions_.erase(it) : std::next(it);
    }
  }
}

Result<net::HttpResponse> WebSignIn::Logout(const net::HttpRequest& req, std::string_view home) {
  auto form = net::ParseForm(req.body);
  std::string id_token;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(req.Cookie(CookieName("session")));
    if (it == sessions_.end()) return net::SeeOther(std::string(home));
    if (!form.ok() || !form->contains("csrf") || !SameToken(form->at("csrf"), it->second.csrf)) {
      return PermissionDenied("the form is not this session's");
    }
    id_token = it->second.id_token;
    sessions_.erase(it);
  }
  return net::SeeOther(options_.auth_url + "/logout?id_token_hint=" + net::PercentEncode(id_token) +
                       "&post_logout_redirect_uri=" + net::PercentEncode(options_.url + std::string(home)));
}

void WebSignIn::BackchannelLogout(const net::HttpRequest& req, std::function<void(net::HttpResponse)> done) {
  auto form = net::ParseForm(req.body);
  std::string token = form.ok() && form->contains("logout_token") ? form->at("logout_token") : "";
  auth::ExpectedToken expected{issuer_, options_.client_id, options_.clock()};
  CheckWithJwks([token, expected](const Json& keys) { return auth::CheckLogoutToken(token, keys, expected); },
                [this, done](Result<Json> claims) {
                  if (!claims.ok()) return done(net::JsonError(400, "invalid_request", claims.status().message()));
                  std::string sid = StringOr(*claims, "sid");
                  {
                    std::lock_guard lock(mu_);
                    for (auto it = sessions_.begin(); it != sessions_.end();) {
                      it = it->second.sid == sid ? sessions_.erase(it) : std::next(it);
                    }
                  }
                  net::HttpResponse r;
                  r.headers.Set("Cache-Control", "no-store");
                  done(std::move(r));
                },
                /*limited=*/true);
}

}  // namespace riik::node
