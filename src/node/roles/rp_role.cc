// A relying party of the sign-in service (rp_role.h).
#include "node/roles/rp_role.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "auth/id_token_check.h"
#include "auth/mandates.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "net/client.h"
#include "net/client_pool.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "registry/exchange_caller.h"

namespace riik::node {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr size_t kMaxPending = 10'000;
constexpr size_t kMaxSessions = 100'000;
constexpr int64_t kLoginLifetimeUs = 10 * 60 * 1'000'000LL;

struct PendingLogin {
  std::string nonce, verifier;
  UnixMicros created = 0;
};

struct RpSession {
  Json claims;
  std::string id_token, sid, csrf;
};

class RelyingParty : public RoleService {
 public:
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  std::vector<std::string> stores() const override { return {}; }

  bool ready() const { return ready_.load(); }

  HttpResponse Home(const HttpRequest& req);
  HttpResponse Login(const HttpRequest& req);
  // The company the person acts for, from the business register through the exchange,
  // the call made for it (X-Road-Represented-Party).
  void Company(HttpRequest&& req, net::Responder respond);
  HttpResponse Logout(const HttpRequest& req);
  // These two call the sign-in service (the token endpoint, the JWKS) from the event
  // loop they run on, without blocking it or any thread.
  void Callback(HttpRequest&& req, net::Responder respond);
  void BackchannelLogout(HttpRequest&& req, net::Responder respond);

 private:
  using Check = std::function<Result<Json>(const Json& jwks)>;
  using Then = std::function<void(Result<Json>)>;
  // The provider's JWKS (fetched when not held, or when `refresh`), then `then`.
  void WithJwks(bool refresh, Then then);
  // `check` against the JWKS held; if it fails, once more against a fresh one (a key the
  // provider rolled over to since).
  void CheckWithJwks(Check check, Then then);
  void FinishSignIn(Result<net::HttpResponse> token, const PendingLogin& login, net::Responder respond);
  std::string CookieName(std::string_view base) const { return (secure_ ? "__Host-" : "") + std::string(base); }
  std::string CookieAttributes() const {
    return std::string("; Path=/; HttpOnly; SameSite=Lax") + (secure_ ? "; Secure" : "");
  }
  HttpResponse Page(std::string body, int status = 200) const;

  std::unique_ptr<net::ClientPool> pool_;               // to the sign-in service, per event loop
  std::unique_ptr<registry::ExchangeCaller> exchange_;  // null: no calls through the exchange
  std::string company_service_;
  std::atomic<bool> ready_{false};
  std::string client_id_, secret_, auth_url_, issuer_, url_, title_;
  net::ClientOptions http_;
  bool secure_ = true;
  std::mutex mu_;
  std::map<std::string, PendingLogin> pending_;  // by state
  std::map<std::string, RpSession> sessions_;    // by cookie
  Json jwks_;
};

Status RelyingParty::Start(Node& node, const RoleConfig& role, const std::string& url) {
  secure_ = role.listen.tls.has_value();
  if (!secure_ && role.Setting("plain_http") != "development") {
    return InvalidArgument("the rp role serves browsers: give it TLS, or plain_http = \"development\"");
  }
  ASSIGN_OR_RETURN(client_id_, role.Required("client_id", "its registered sign-in client (a subsystem id)"));
  ASSIGN_OR_RETURN(std::string secret_file, role.Required("secret_file", "its client secret's file"));
  ASSIGN_OR_RETURN(std::string secret_text, ReadSecretFile(secret_file));
  secret_ = secret_text.substr(0, secret_text.find('\n'));
  auth_url_ = role.Setting("auth_url");
  for (const auto& r : node.roles()) {
    if (r.kind == "auth" && auth_url_.empty()) auth_url_ = r.url;
  }
  if (auth_url_.empty()) return InvalidArgument("the rp role needs auth_url, or an auth role in the same process");
  http_.ca_file = role.Setting("trust_root");
  http_.timeout = std::chrono::seconds(10);
  title_ = role.Setting("title", "Demo service");
  if (std::string exchange_url = role.Setting("exchange_url"); !exchange_url.empty()) {
    ASSIGN_OR_RETURN(net::ClientOptions tls, ExchangeClientTls(role, exchange_url));
    tls.timeout = std::chrono::seconds(10);
    exchange_ =
        std::make_unique<registry::ExchangeCaller>(exchange_url, role.Setting("subsystem", client_id_), std::move(tls));
    company_service_ = role.Setting("company_service", "EE/GOV/70000310/business/company");
  }
  pool_ = std::make_unique<net::ClientPool>(http_, 16);
  url_ = url;
  // The issuer as the provider states it in its discovery document.
  auto discovery = net::Fetch("GET", auth_url_ + "/.well-known/openid-configuration", {}, "", http_);
  if (!discovery.ok()) return discovery.status().WithContext("the sign-in service's discovery document");
  ASSIGN_OR_RETURN(Json doc, ParseJson(discovery->body));
  issuer_ = StringOr(doc, "issuer");
  if (issuer_.empty()) return DataLoss("the sign-in service's discovery document names no issuer");
  ready_ = true;
  return OkStatus();
}

HttpResponse RelyingParty::Page(std::string body, int status) const {
  HttpResponse r = net::TextResponse(
      fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>{}</title></head>\n<body>\n<main>\n<h1>{}</h1>\n{}</main>\n</body>\n</html>\n",
                  HtmlEscape(title_), HtmlEscape(title_), body),
      "text/html; charset=utf-8");
  r.status = status;
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Content-Security-Policy",
                "default-src 'none'; form-action 'self' " + auth_url_ + "; frame-ancestors 'none'; base-uri 'none'");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "no-referrer");
  return r;
}

HttpResponse RelyingParty::Home(const HttpRequest& req) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(req.Cookie(CookieName("rp_session")));
  if (it == sessions_.end()) {
    std::string error = req.QueryParam("error");
    std::string note =
        error.empty() ? "" : "<p role=\"alert\">Sign-in did not complete: " + HtmlEscape(error) + "</p>\n";
    return Page(note +
                "<p>You are not signed in.</p>\n<p><a href=\"/login\" id=\"sign-in\">Sign in with eID</a></p>\n"
                "<p><a href=\"/login?for=company\" id=\"sign-in-company\">Sign in to act for a company</a></p>\n");
  }
  const Json& c = it->second.claims;
  const Json& p = c.contains("profile_attributes") ? c["profile_attributes"] : Json::object();
  std::string amr = c.contains("amr") && c["amr"].is_array() && !c["amr"].empty() && c["amr"][0].is_string()
                        ? c["amr"][0].get<std::string>()
                        : "";
  std::string acting;
  if (auto company = auth::LegalPersonFromClaim(c.value("represents_legal_person", Json())); company.ok()) {
    acting = fmt::format(
        "<p id=\"acting-for\">Acting for <strong>{}</strong> (registry code {}). "
        "<a href=\"/company\" id=\"company\">The company in the business register</a></p>\n",
        HtmlEscape(company->name), HtmlEscape(company->registry_code));
  }
  return Page(acting +
              fmt::format("<p id=\"who\">Signed in as <strong>{} {}</strong> ({}), born {}.</p>\n"
                          "<p>Method: <span id=\"amr\">{}</span>; level of assurance: <span id=\"acr\">{}</span>.</p>\n"
                          "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
                          "<button type=\"submit\" id=\"sign-out\">Sign out everywhere</button></form>\n",
                          HtmlEscape(StringOr(p, "given_name")), HtmlEscape(StringOr(p, "family_name")),
                          HtmlEscape(StringOr(c, "sub")), HtmlEscape(StringOr(p, "date_of_birth")), HtmlEscape(amr),
                          HtmlEscape(StringOr(c, "acr")), HtmlEscape(it->second.csrf)));
}

void RelyingParty::Company(HttpRequest&& req, net::Responder respond) {
  Json claims;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(req.Cookie(CookieName("rp_session")));
    if (it != sessions_.end()) claims = it->second.claims;
  }
  auto company = auth::LegalPersonFromClaim(claims.value("represents_legal_person", Json()));
  if (!company.ok()) {
    return respond(
        Page("<p>You do not act for a company here. <a href=\"/login?for=company\">Sign in to act for "
             "one</a></p>\n",
             403));
  }
  if (!exchange_) return respond(Page("<p>This service makes no calls through the exchange.</p>\n", 503));
  registry::CallPurpose purpose{StringOr(claims, "sub"), "the person acts for the company in " + title_,
                                auth::RepresentedParty(*company)};
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  exchange_->GetAsync(
      company_service_, "/" + company->registry_code, purpose,
      [this, shared, party = purpose.represented_party](Result<registry::ExchangeAnswer> answer) {
        if (!answer.ok()) {
          // The answer may quote the person's code: the log names only the kind of failure.
          spdlog::warn("rp {}: the business register: {}", client_id_, CodeName(answer.status().code()));
          return (*shared)(Page("<p role=\"alert\">The business register could not be asked just now.</p>\n", 502));
        }
        const Json& b = answer->body;
        int64_t board = b.contains("board") && b["board"].is_array() ? static_cast<int64_t>(b["board"].size()) : 0;
        (*shared)(Page(fmt::format(
            "<h2 id=\"company-name\">{}</h2>\n<dl>\n<dt>Registry code</dt><dd>{}</dd>\n<dt>Founded</dt><dd>{}</dd>\n"
            "<dt>Board members</dt><dd>{}</dd>\n<dt>Employees</dt><dd>{}</dd>\n</dl>\n"
            "<p>Read from the business register through the exchange for <span id=\"represented-party\">{}</span>; "
            "the call's X-Road-Id is <code id=\"xroad-id\">{}</code>.</p>\n<p><a href=\"/\">Back</a></p>\n",
            HtmlEscape(StringOr(b, "name")), HtmlEscape(StringOr(b, "registry_code")),
            HtmlEscape(StringOr(b, "founded")), board, b.value("employees", int64_t{0}), HtmlEscape(party),
            HtmlEscape(answer->xroad_id))));
      });
}

HttpResponse RelyingParty::Login(const HttpRequest& req) {
  const bool for_company = req.QueryParam("for") == "company";
  auto state = RandomToken(24), nonce = RandomToken(24), verifier = RandomToken(48);
  if (!state.ok() || !nonce.ok() || !verifier.ok()) return net::JsonError(500, "internal", "no randomness");
  {
    std::lock_guard lock(mu_);
    UnixMicros now = NowMicros();
    for (auto it = pending_.begin(); it != pending_.end();) {
      it = now - it->second.created > kLoginLifetimeUs ? pending_.erase(it) : std::next(it);
    }
    if (pending_.size() >= kMaxPending) return net::JsonError(503, "busy", "too many sign-ins in progress");
    pending_[*state] = {*nonce, *verifier, now};
  }
  std::string challenge = Base64UrlEncode(DigestBytes(Sha256(*verifier)));
  std::string location =
      auth_url_ + "/authorize?response_type=code&scope=" + (for_company ? "openid%20legalperson" : "openid") +
      "&client_id=" + net::PercentEncode(client_id_) + "&redirect_uri=" + net::PercentEncode(url_ + "/callback") +
      "&state=" + *state + "&nonce=" + *nonce + "&code_challenge=" + challenge + "&code_challenge_method=S256";
  HttpResponse r;
  r.status = 303;
  r.headers.Set("Location", location);
  r.headers.Set("Cache-Control", "no-store");
  // The state is bound to this browser: a code arriving in another browser is refused.
  r.headers.Add("Set-Cookie", CookieName("rp_login") + "=" + *state + CookieAttributes());
  return r;
}

void RelyingParty::WithJwks(bool refresh, Then then) {
  Json held;
  {
    std::lock_guard lock(mu_);
    held = jwks_;
  }
  if (!refresh && held.is_object()) return then(std::move(held));  // outside the lock: `then` takes it
  pool_->SendAsync(auth_url_, "GET", "/jwks", {}, "", "", [this, then](Result<net::HttpResponse> r) {
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

void RelyingParty::CheckWithJwks(Check check, Then then) {
  WithJwks(false, [this, check, then](Result<Json> keys) {
    if (!keys.ok()) return then(keys.status());
    auto claims = check(*keys);
    if (claims.ok()) return then(std::move(claims));
    WithJwks(true, [check, then](Result<Json> fresh) { then(fresh.ok() ? check(*fresh) : fresh.status()); });
  });
}

void RelyingParty::Callback(HttpRequest&& req, net::Responder respond) {
  std::string state = req.QueryParam("state");
  PendingLogin login;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(state);
    if (state.empty() || it == pending_.end() || req.Cookie(CookieName("rp_login")) != state) {
      return respond(Page(
          "<p role=\"alert\">This sign-in was not started in this browser. <a href=\"/login\">Sign in</a></p>\n", 400));
    }
    login = it->second;
    pending_.erase(it);
  }
  if (std::string error = req.QueryParam("error"); !error.empty()) {
    HttpResponse r;
    r.status = 303;
    r.headers.Set("Location", "/?error=" + net::PercentEncode(error));
    return respond(std::move(r));
  }
  net::Headers headers;
  headers.Add("Content-Type", "application/x-www-form-urlencoded");
  headers.Add("Authorization",
              "Basic " + Base64Encode(net::PercentEncode(client_id_) + ":" + net::PercentEncode(secret_)));
  std::string body = "grant_type=authorization_code&code=" + net::PercentEncode(req.QueryParam("code")) +
                     "&redirect_uri=" + net::PercentEncode(url_ + "/callback") + "&code_verifier=" + login.verifier;
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  pool_->SendAsync(auth_url_, "POST", "/token", headers, std::move(body), "",
                   [this, login, shared](Result<net::HttpResponse> token) {
                     FinishSignIn(std::move(token), login, std::move(*shared));
                   });
}

void RelyingParty::FinishSignIn(Result<net::HttpResponse> token, const PendingLogin& login, net::Responder respond) {
  auto tokens = !token.ok()            ? Result<Json>(token.status())
                : token->status != 200 ? Result<Json>(Unavailable(token->body.substr(0, 300)))
                                       : ParseJson(token->body);
  if (!tokens.ok()) {
    spdlog::warn("rp {}: the token endpoint refused the code: {}", client_id_, tokens.status().message());
    return respond(Page(
        "<p role=\"alert\">The sign-in service did not confirm the sign-in. <a href=\"/login\">Try again</a></p>\n",
        502));
  }
  std::string id_token = StringOr(*tokens, "id_token"), access = StringOr(*tokens, "access_token");
  auth::ExpectedToken expected{issuer_, client_id_, NowMicros()};
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  CheckWithJwks(
      [id_token, access, expected, nonce = login.nonce](const Json& keys) {
        return auth::CheckIdToken(id_token, keys, expected, nonce, access);
      },
      [this, id_token, shared](Result<Json> claims) {
        if (!claims.ok()) {
          spdlog::warn("rp {}: ID token refused: {}", client_id_, claims.status().message());
          return (*shared)(
              Page("<p role=\"alert\">The sign-in could not be verified. <a href=\"/login\">Try again</a></p>\n", 502));
        }
        auto cookie = RandomToken(32), csrf = RandomToken(24);
        if (!cookie.ok() || !csrf.ok()) return (*shared)(net::JsonError(500, "internal", "no randomness"));
        {
          std::lock_guard lock(mu_);
          if (sessions_.size() >= kMaxSessions) sessions_.erase(sessions_.begin());
          sessions_[*cookie] = RpSession{*claims, id_token, StringOr(*claims, "sid"), *csrf};
        }
        HttpResponse r;
        r.status = 303;
        r.headers.Set("Location", "/");
        r.headers.Add("Set-Cookie", CookieName("rp_session") + "=" + *cookie + CookieAttributes());
        (*shared)(std::move(r));
      });
}

HttpResponse RelyingParty::Logout(const HttpRequest& req) {
  auto form = net::ParseForm(req.body);
  std::string id_token;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(req.Cookie(CookieName("rp_session")));
    if (it == sessions_.end()) {
      HttpResponse r;
      r.status = 303;
      r.headers.Set("Location", "/");
      return r;
    }
    if (!form.ok() || !form->contains("csrf") || form->at("csrf") != it->second.csrf) {
      return net::JsonError(403, "csrf", "the form is not this session's");
    }
    id_token = it->second.id_token;
    sessions_.erase(it);
  }
  HttpResponse r;
  r.status = 303;
  r.headers.Set("Location", auth_url_ + "/logout?id_token_hint=" + net::PercentEncode(id_token) +
                                "&post_logout_redirect_uri=" + net::PercentEncode(url_ + "/"));
  return r;
}

void RelyingParty::BackchannelLogout(HttpRequest&& req, net::Responder respond) {
  auto form = net::ParseForm(req.body);
  std::string token = form.ok() && form->contains("logout_token") ? form->at("logout_token") : "";
  auth::ExpectedToken expected{issuer_, client_id_, NowMicros()};
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  CheckWithJwks([token, expected](const Json& keys) { return auth::CheckLogoutToken(token, keys, expected); },
                [this, shared](Result<Json> claims) {
                  if (!claims.ok()) return (*shared)(net::JsonError(400, "invalid_request", claims.status().message()));
                  std::string sid = StringOr(*claims, "sid");
                  {
                    std::lock_guard lock(mu_);
                    for (auto it = sessions_.begin(); it != sessions_.end();) {
                      it = it->second.sid == sid ? sessions_.erase(it) : std::next(it);
                    }
                  }
                  HttpResponse r;
                  r.headers.Set("Cache-Control", "no-store");
                  (*shared)(std::move(r));
                });
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddRelyingPartyRoutes(Node&, const RoleConfig&, net::Router& router) {
  auto rp = std::make_shared<RelyingParty>();
  std::weak_ptr<RelyingParty> weak = rp;
  auto sync = [weak](HttpResponse (RelyingParty::*handler)(const HttpRequest&)) {
    return [weak, handler](const HttpRequest& req) {
      auto s = weak.lock();
      if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the service is starting");
      return ((*s).*handler)(req);
    };
  };
  auto async = [weak](void (RelyingParty::*handler)(HttpRequest&&, net::Responder)) {
    return [weak, handler](HttpRequest&& req, net::Responder respond) {
      auto s = weak.lock();
      if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the service is starting"));
      ((*s).*handler)(std::move(req), std::move(respond));
    };
  };
  router.Add("GET", "/", sync(&RelyingParty::Home));
  router.Add("GET", "/login", sync(&RelyingParty::Login));
  router.AddAsync("GET", "/callback", async(&RelyingParty::Callback));
  router.AddAsync("GET", "/company", async(&RelyingParty::Company));
  router.Add("POST", "/logout", sync(&RelyingParty::Logout), "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/backchannel-logout", async(&RelyingParty::BackchannelLogout),
                  "application/x-www-form-urlencoded");
  return std::shared_ptr<RoleService>(rp);
}

}  // namespace riik::node
