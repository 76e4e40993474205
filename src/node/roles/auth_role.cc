// The sign-in service's HTTP face (auth_role.h): cookies, pages, forms and JSON around
// auth::Provider, which holds the rules.
#include "node/roles/auth_role.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/app_devices.h"
#include "auth/key_ring.h"
#include "auth/pages.h"
#include "auth/provider.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/in_flight.h"
#include "core/phrasebook.h"
#include "core/thread_pool.h"
#include "core/waiting_line.h"
#include "crypto/random.h"
#include "exchange/conf_client.h"
#include "net/client.h"
#include "net/client_pool.h"
#include "net/event_loops.h"
#include "net/url.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "registry/exchange_caller.h"
#include "trust/ocsp_client.h"

namespace riik::node {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr auto kAppLongPoll = std::chrono::seconds(25);
constexpr size_t kMaxAppWaiting = 10'000;

// The scheme://host[:port] of a URL.
std::string OriginOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

auth::Client ToAuthClient(const exchange::SignInClient& c) {
  auth::Client out;
  out.id = c.id.ToString();
  out.name = c.name;
  out.redirect_uris = c.redirect_uris;
  out.post_logout_redirect_uris = c.post_logout_redirect_uris;
  out.method =
      c.auth_method == "private_key_jwt" ? auth::Client::Method::kPrivateKeyJwt : auth::Client::Method::kSecretBasic;
  out.secret_sha256 = c.secret_sha256;
  out.jwks = c.jwks;
  out.id_token_alg = c.id_token_alg == "ES256" ? auth::JwsAlg::kES256 : auth::JwsAlg::kRS256;
  out.backchannel_logout_uri = c.backchannel_logout_uri;
  return out;
}

// Registrations from a JSON file (an array in the configuration's shape), for a
// provider that runs without a central authority.
Result<std::vector<auth::Client>> ReadClientsFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(Json list, ParseJson(text));
  if (!list.is_array()) return InvalidArgument(path + " must hold a JSON array of sign-in clients");
  std::vector<auth::Client> out;
  for (const auto& entry : list) {
    ASSIGN_OR_RETURN(exchange::SignInClient c, exchange::SignInClient::FromJson(entry));
    out.push_back(ToAuthClient(c));
  }
  return out;
}

// Whom a person may act for: their board seats, read live from the business register
// through the sign-in service's security server, on the person's behalf.
auth::MandateLookup BoardSeatsThroughExchange(registry::ExchangeCaller& exchange, std::string service) {
  return [&exchange, service](const auth::Person& p) -> Result<std::vector<auth::LegalPerson>> {
    registry::CallPurpose purpose{p.Subject(), "sign-in: the companies the person may act for", ""};
    auto answer = exchange.Get(service, "/" + p.code, purpose);
    if (!answer.ok()) {
      // The message may quote the person's code: the log says only what failed.
      spdlog::warn("auth: reading board seats from {}: {}", service, CodeName(answer.status().code()));
      return Unavailable("the business register could not be asked");
    }
    auto seats = auth::BoardSeats(answer->body, p.code);
    if (!seats.ok()) spdlog::warn("auth: board seats from {}: {}", service, seats.status().message());
    return seats;
  };
}

class AuthService : public RoleService {
 public:
  // How many of each may wait for their threads (the role's settings, AddAuthRoutes).
  struct Lines {
    size_t answers = 256;  // the app's answers, for the eID checks' threads
    size_t idcard = 256;   // ID-card tokens, for the same threads
    size_t binds = 8;      // device bindings, for the same threads (an answer waits behind at most these)
    size_t tokens = 256;   // token requests, for the blocking pool (a client's authentication is a
                           // signature check anyone can ask for)
  };
  AuthService(const std::string& role, const Lines& lines)
      : checks_(2),
        directory_(1),
        checks_waiting_(role, "answers", lines.answers),
        binds_waiting_(role, "binds", lines.binds),
        idcard_waiting_(role, "idcard", lines.idcard),
        tokens_waiting_(role, "tokens", lines.tokens) {}
  ~AuthService() override {  // before the provider their tasks use
    checks_.Stop();
    directory_.Stop();
  }
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  std::vector<std::string> stores() const override { return {}; }

  bool ready() const { return ready_.load(); }
  std::string NotReady() const override { return ready() ? "" : "the sign-in service is starting"; }
  auth::Provider& provider() { return *provider_; }
  auth::AppDevices& devices() { return *devices_; }
  Json Jwks() const { return keys_->Jwks(); }
  // The checks that wait on the OCSP responder: a pool of the role's own, since the
  // trust role answers OCSP from the node's blocking pool (waiting on that pool from that
  // pool could wait forever).
  ThreadPool& checks() { return checks_; }
  // Reading board seats through the exchange (acting for a company): a thread of its own,
  // so that a slow register never holds up sign-ins.
  ThreadPool& directory() { return directory_; }
  // CPU work that waits on nothing (ID tokens signed RS256): the node's blocking pool.
  ThreadPool& cpu() { return *cpu_; }
  const std::string& origin() const { return origin_; }
  bool secure() const { return secure_; }
  InFlight& app_waiting() { return app_waiting_; }
  // Checks waiting for that pool are bounded: anyone may post an answer or a binding,
  // and a flood of them must not hold up everyone's sign-ins behind it.
  WaitingLine& checks_waiting() { return checks_waiting_; }
  WaitingLine& binds_waiting() { return binds_waiting_; }
  WaitingLine& idcard_waiting() { return idcard_waiting_; }
  WaitingLine& tokens_waiting() { return tokens_waiting_; }
  // Delivers back-channel logout tokens from an event loop's thread (each once; a
  // failure is logged).
  void Deliver(std::vector<auth::LogoutNotice> notices);

 private:
  Result<auth::Client> Lookup(std::string_view client_id) const;

  ThreadPool checks_;
  ThreadPool directory_;
  ThreadPool* cpu_ = nullptr;
  std::unique_ptr<net::ClientPool> notices_;  // back-channel logout, sent from the event loops
  std::shared_ptr<net::EventLoops> loops_;    // the node's: where the housekeeping's notices go out
  std::unique_ptr<net::ClientPool> ocsp_;     // to the eID OCSP responder, from the checks' threads
  std::atomic<bool> ready_{false};
  InFlight app_waiting_{kMaxAppWaiting};
  WaitingLine checks_waiting_;
  WaitingLine binds_waiting_;
  WaitingLine idcard_waiting_;
  WaitingLine tokens_waiting_;
  std::unique_ptr<auth::KeyRing> keys_;
  std::unique_ptr<auth::Provider> provider_;
  std::unique_ptr<auth::AppDevices> devices_;  // uses the provider's trust: declared after it
  std::unique_ptr<exchange::ConfClient> conf_;
  std::unique_ptr<registry::ExchangeCaller> exchange_;  // to the business register (mandates)
  std::vector<auth::Client> file_clients_;
  std::string origin_, trust_root_;
  bool secure_ = true;
};

Result<auth::Client> AuthService::Lookup(std::string_view client_id) const {
  if (!conf_) {
    for (const auto& c : file_clients_) {
      if (c.id == client_id) return c;
    }
    return NotFound("unknown client");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const exchange::GlobalConf> conf, conf_->Current());
  const exchange::SignInClient* c = conf->FindSignInClient(client_id);
  if (!c) return NotFound("unknown client");
  return ToAuthClient(*c);
}

Status AuthService::Start(Node& node, const RoleConfig& role, const std::string& url) {
  secure_ = role.listen.tls.has_value();
  if (!secure_ && role.Setting("plain_http") != "development") {
    return InvalidArgument("the auth role serves citizens' browsers: give it TLS, or plain_http = \"development\"");
  }
  ASSIGN_OR_RETURN(trust_root_, role.Required("trust_root", "the state root certificate (PEM)"));
  ASSIGN_OR_RETURN(std::string eid_ca, role.Required("eid_ca", "the citizens' eID CA certificate (PEM)"));
  std::string ocsp_url = role.Setting("ocsp_url");
  std::string central_url = role.Setting("central_url");
  for (const auto& r : node.roles()) {
    if (r.kind == "trust" && ocsp_url.empty()) ocsp_url = r.url + "/ocsp";
    if (r.kind == "central" && central_url.empty()) central_url = r.url;
  }
  if (ocsp_url.empty()) return InvalidArgument("the auth role needs ocsp_url, or a trust role in the same process");
  // Kept-alive connections to the responder: a sign-in asks it every time.
  net::ClientOptions ocsp_options;
  ASSIGN_OR_RETURN(int64_t ocsp_timeout_ms, role.Number("ocsp_timeout_ms", 3000, 100, 60'000));
  ocsp_options.timeout = std::chrono::milliseconds(ocsp_timeout_ms);
  ocsp_options.max_body_bytes = trust::kMaxOcspResponseBytes;
  ocsp_ = std::make_unique<net::ClientPool>(ocsp_options, 8);
  auto post = [pool = ocsp_.get()](const std::string& to, std::string_view der) -> Result<std::string> {
    auto parsed = net::ParseUrl(to);
    if (!parsed.ok()) return parsed.status();
    net::Headers h;
    h.Add("Content-Type", "application/ocsp-request");
    auto resp = pool->Send(OriginOf(to), "POST", parsed->target, h, std::string(der));
    if (!resp.ok()) return Unavailable("the OCSP responder " + to + " did not answer: " + resp.status().message());
    if (resp->status != 200) return Unavailable("the OCSP responder answered HTTP " + std::to_string(resp->status));
    return std::move(resp->body);
  };
  ASSIGN_OR_RETURN(auth::EidTrust trust, auth::EidTrust::FromFiles(eid_ca, trust_root_, ocsp_url, post));

  std::string clients_file = role.Setting("clients_file");
  if (!clients_file.empty()) {
    ASSIGN_OR_RETURN(file_clients_, ReadClientsFile(clients_file));
  } else {
    if (central_url.empty()) {
      return InvalidArgument("the auth role needs central_url (its clients' registrations), or clients_file");
    }
    std::string anchor_file = role.Setting("central_anchor", node.config().data_dir + "/central/anchor.json");
    ASSIGN_OR_RETURN(std::string anchor_text, ReadFile(anchor_file));
    exchange::ConfClientOptions o;
    o.central_url = central_url;
    ASSIGN_OR_RETURN(o.anchor, exchange::TrustAnchor::Parse(anchor_text));
    o.server_id = role.name;
    o.background = false;  // refreshed by the node's housekeeping, below
    conf_ = exchange::ConfClient::Start(std::move(o));
  }

  // What clients, device bindings and the app's statements name: checked before anything
  // is made on disk.
  std::string issuer = role.Setting("issuer", url);
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  if (Status st = auth::CheckIssuer(issuer); !st.ok()) {
    return InvalidArgument(role.name + ".issuer '" + issuer + "': " + st.message());
  }

  auth::KeyRingOptions k;
  k.dir = role.Setting("keys_dir", node.config().data_dir + "/auth/keys");
  ASSIGN_OR_RETURN(keys_, auth::KeyRing::Open(std::move(k)));

  auth::ProviderOptions o;
  // Acting for a company: with a security server to call the business register through.
  if (std::string exchange_url = role.Setting("exchange_url"); !exchange_url.empty()) {
    ASSIGN_OR_RETURN(std::string subsystem, role.Required("subsystem", "the sign-in service's subsystem id"));
    ASSIGN_OR_RETURN(net::ClientOptions tls, ExchangeClientTls(role, exchange_url));
    tls.timeout = std::chrono::seconds(5);
    exchange_ = std::make_unique<registry::ExchangeCaller>(exchange_url, subsystem, std::move(tls));
    o.mandates =
        BoardSeatsThroughExchange(*exchange_, role.Setting("board_seats_service", "EE/GOV/70000310/business/roles"));
  }
  o.issuer = std::move(issuer);
  origin_ = OriginOf(o.issuer);
  ASSIGN_OR_RETURN(RoleConfig::SessionTimeouts sessions, role.Sessions());
  o.session_idle = sessions.idle;
  o.session_absolute = sessions.absolute;
  auto log = [](std::string_view client, std::string_view method, const auth::Refused& r, std::string_view person) {
    spdlog::info("sign-in refused: client={} method={} reason={} person={} detail={}", client, method,
                 auth::RefusalName(r.why), person.empty() ? "-" : person, r.detail);
  };
  provider_ = std::make_unique<auth::Provider>(
      std::move(o), *keys_, [this](std::string_view id) { return Lookup(id); }, std::move(trust), log);
  devices_ =
      std::make_unique<auth::AppDevices>(provider_->trust(), provider_->options().issuer, provider_->options().clock);
  cpu_ = &node.blocking();
  net::ClientOptions notice_options;
  notice_options.ca_file = trust_root_;
  notice_options.timeout = std::chrono::seconds(5);
  notices_ = std::make_unique<net::ClientPool>(notice_options, 4);
  loops_ = node.loops();
  // Every tick: expire sessions and end long polls; every 10 s: the sign-in clients'
  // registrations; hourly: roll the signing keys over when due.
  node.Housekeeping([this, tick = int64_t{0}]() mutable {
    provider_->Sweep();
    devices_->Sweep();
    // Sessions another person's sign-in ended: their services are told from an event
    // loop, without waiting (the housekeeping thread runs none, and must not block).
    if (std::vector<auth::LogoutNotice> ended = provider_->TakeLogoutNotices(); !ended.empty()) {
      net::Post(loops_->loop(0), [this, ended = std::move(ended)]() mutable { Deliver(std::move(ended)); });
    }
    if (conf_ && ++tick % 20 == 0) {
      if (Status st = conf_->Refresh(); !st.ok()) spdlog::warn("auth: sign-in clients: {}", st.message());
    }
    if (tick % 7200 == 0) {
      if (Status st = keys_->RotateIfDue(); !st.ok()) spdlog::warn("auth: rotating signing keys: {}", st.message());
    }
  });
  ready_ = true;
  return OkStatus();
}

namespace {

void WarnIfUndelivered(const std::string& uri, const Result<net::HttpResponse>& sent) {
  if (!sent.ok() || sent->status / 100 != 2) {
    spdlog::warn("back-channel logout to {} failed: {}", uri,
                 sent.ok() ? "HTTP " + std::to_string(sent->status) : sent.status().message());
  }
}

}  // namespace

void AuthService::Deliver(std::vector<auth::LogoutNotice> notices) {
  net::Headers headers;
  headers.Add("Content-Type", "application/x-www-form-urlencoded");
  for (auto& n : notices) {
    auto url = net::ParseUrl(n.uri);
    if (!url.ok()) continue;
    notices_->SendAsync(OriginOf(n.uri), "POST", url->target, headers,
                        "logout_token=" + net::PercentEncode(n.logout_token), "",
                        [uri = n.uri](Result<net::HttpResponse> sent) { WarnIfUndelivered(uri, sent); });
  }
}

// ---- responses ----

void SecurityHeaders(HttpResponse& r) {
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Pragma", "no-cache");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  // No referrer to other origins (a sign-in page's address names its request); to this
  // one, so that the browser's Origin on the page's own posts is this origin, not "null"
  // (FromOwnPages).
  r.headers.Set("Referrer-Policy", "same-origin");
}

// A page with a Content Security Policy that allows only this origin's script and
// style, and forms that post here or to `form_target` (a client's redirect URI: Chrome
// applies form-action to the redirect that ends a sign-in).
HttpResponse Page(std::string html, int status = 200, const std::string& form_target = "") {
  HttpResponse r = net::TextResponse(std::move(html), "text/html; charset=utf-8");
  r.status = status;
  SecurityHeaders(r);
  std::string form_action = "'self'" + (form_target.empty() ? "" : " " + OriginOf(form_target));
  r.headers.Set("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                "form-action " +
                    form_action + "; frame-ancestors 'none'; base-uri 'none'");
  r.headers.Set("X-Frame-Options", "DENY");
  return r;
}

HttpResponse SeeOther(const std::string& location) {
  HttpResponse r = net::SeeOther(location);
  SecurityHeaders(r);
  return r;
}

HttpResponse OAuthJson(int status, const std::string& error, const std::string& description) {
  HttpResponse r = net::JsonResponse(Json{{"error", error}, {"error_description", description}}, status);
  SecurityHeaders(r);
  return r;
}

std::string BrowserCookieName(const AuthService& s) { return s.secure() ? "__Host-riik_browser" : "riik_browser"; }

std::string Language(const HttpRequest& req, std::string_view fallback) {
  std::string lang = req.QueryParam("lang");
  if (lang.empty()) lang = req.Cookie("riik_lang");
  return std::string(PageLanguage(lang.empty() ? fallback : lang));
}

std::string CookieAttributes(const AuthService& s) {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (s.secure() ? "; Secure" : "");
}

// Gives the browser its id (nothing if `id` is empty).
void SetBrowserCookie(const AuthService& s, const std::string& id, HttpResponse& r) {
  if (!id.empty()) r.headers.Add("Set-Cookie", BrowserCookieName(s) + "=" + id + CookieAttributes(s));
}

// The browser's id from its cookie; a new one (and the Set-Cookie to send) if it has none.
std::string BrowserId(AuthService& s, const HttpRequest& req, HttpResponse* set_cookie_on) {
  std::string id = req.Cookie(BrowserCookieName(s));
  if (id.size() >= 32 && id.size() <= 64) return id;
  auto fresh = RandomToken(32);
  id = fresh.ok() ? *fresh : "";
  if (set_cookie_on) SetBrowserCookie(s, id, *set_cookie_on);
  return id;
}

// The request's form fields; empty on a malformed body.
std::map<std::string, std::string> Form(const HttpRequest& req) {
  auto form = net::ParseForm(req.body);
  return form.ok() ? std::move(*form) : std::map<std::string, std::string>{};
}

auth::LoginPageData PageData(const std::string& request_id, const auth::LoginView& v, std::string lang) {
  auth::LoginPageData d;
  d.request_id = request_id;
  d.csrf = v.csrf;
  d.client_name = v.client_name;
  d.lang = std::move(lang);
  d.app_pending = v.app_pending;
  d.verification_code = v.verification_code;
  d.offer_app = v.min_acr != "high";
  return d;
}

HttpResponse LoginPage(AuthService& s, const HttpRequest& req, const std::string& request_id, std::string error = "",
                       int status = 200) {
  std::string browser = req.Cookie(BrowserCookieName(s));
  auto view = s.provider().View(request_id, browser);
  std::string lang = Language(req, view ? view->locale : "en");
  if (!view) return Page(auth::ErrorPage(lang, auth::RefusalMessage(auth::Refusal::kChallengeUnknown, lang)), 404);
  if (view->choose_party) return SeeOther("/login/" + request_id);  // signed in: whom they act for, next
  auth::LoginPageData d = PageData(request_id, *view, lang);
  d.error = std::move(error);
  HttpResponse r = Page(auth::LoginPage(d), status, view->redirect_uri);
  if (!req.QueryParam("lang").empty()) r.headers.Add("Set-Cookie", "riik_lang=" + lang + CookieAttributes(s));
  return r;
}

// Whether a browser's form or script call came from this service's own pages, as the
// browser says: Origin (sent with every POST) and Sec-Fetch-Site. SameSite cookies do not
// tell: a page of another service on the same host (another port is the same site) can
// post a form here with the browser's cookie, and a CSRF token it learnt by beginning
// that sign-in itself. A client that is not a browser sends neither header; the CSRF
// token alone stands for it.
bool FromOwnPages(const AuthService& s, const HttpRequest& req) {
  std::string_view origin = req.headers.Get("Origin");
  if (!origin.empty() && origin != s.origin()) return false;  // "null" too: a page that hides where it is
  std::string_view site = req.headers.Get("Sec-Fetch-Site");
  return site.empty() || site == "same-origin";
}

// Whether the request came from this sign-in's page: its CSRF token (a form field or a
// header), sent from this service's own pages.
bool CsrfOk(AuthService& s, const HttpRequest& req, const std::string& request_id, std::string_view submitted) {
  if (!FromOwnPages(s, req)) return false;
  auto view = s.provider().View(request_id, req.Cookie(BrowserCookieName(s)));
  return view && !submitted.empty() && SameToken(submitted, view->csrf);
}

// ---- route groups ----

void AddDiscoveryRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  router.Add("GET", "/.well-known/openid-configuration", [weak](const HttpRequest&) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    return net::JsonResponse(s->provider().Discovery());
  });
  router.Add("GET", "/jwks", [weak](const HttpRequest&) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    return net::JsonResponse(s->Jwks());
  });
}

HttpResponse Authorize(AuthService& s, const HttpRequest& req) {
  auto q = net::ParseForm(req.query);
  std::string lang = Language(req, req.QueryParam("ui_locales"));
  if (!q.ok()) return Page(auth::ErrorPage(lang, auth::RequestErrorMessage(lang)), 400);
  auto get = [&](const char* k) { return q->contains(k) ? q->at(k) : std::string(); };
  auth::AuthorizeParams p{get("response_type"), get("client_id"),  get("redirect_uri"),   get("scope"),
                          get("state"),         get("nonce"),      get("code_challenge"), get("code_challenge_method"),
                          get("prompt"),        get("acr_values"), get("ui_locales")};
  HttpResponse cookie;
  std::string browser = BrowserId(s, req, &cookie);
  auth::AuthorizeOutcome outcome = s.provider().Authorize(p, browser);
  HttpResponse r;
  if (auto* redirect = std::get_if<auth::Redirect>(&outcome)) {
    r = SeeOther(redirect->url);
  } else if (auto* login = std::get_if<auth::ShowLogin>(&outcome)) {
    r = SeeOther("/login/" + login->request_id);
    SetBrowserCookie(s, login->browser, r);  // its id had moved on: a fresh one
  } else {
    const auto& e = std::get<auth::OAuthError>(outcome);
    r = e.redirect.empty() ? Page(auth::ErrorPage(lang, auth::RequestErrorMessage(lang)), 400) : SeeOther(e.redirect);
  }
  for (const auto& [name, value] : cookie.headers.fields()) r.headers.Add(name, value);
  return r;
}

void AddLoginRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  router.Add("GET", "/authorize", [weak](const HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    return Authorize(*s, req);
  });
  router.AddAsync("GET", "/login/{request}", [weak](HttpRequest&& req, net::Responder respond) {
    auto s = weak.lock();
    if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the sign-in service is starting"));
    std::string id(req.Param("request"));
    auto view = s->provider().View(id, req.Cookie(BrowserCookieName(*s)));
    if (!view || !view->choose_party) return respond(LoginPage(*s, req, id));
    // Whom the person may act for is read through the exchange: off the network threads.
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    auto request = std::make_shared<HttpRequest>(std::move(req));
    s->directory().Submit([s = s.get(), shared, request, id, view = *view] {
      auth::RepresentPageData d;
      d.request_id = id;
      d.csrf = view.csrf;
      d.lang = Language(*request, view.locale);
      d.person_name = view.person_name;
      auto companies = s->provider().Mandates(id, request->Cookie(BrowserCookieName(*s)));
      if (companies.ok()) d.companies = std::move(*companies);
      d.register_unavailable = !companies.ok();
      HttpResponse r = Page(auth::RepresentPage(d), 200, view.redirect_uri);
      if (!request->QueryParam("lang").empty()) {
        r.headers.Add("Set-Cookie", "riik_lang=" + d.lang + CookieAttributes(*s));
      }
      (*shared)(std::move(r));
    });
  });
  // A form of the sign-in page: the service ready, the request's id, the form's fields,
  // and its CSRF token checked before `handle` sees any of it.
  using FormHandler = HttpResponse (*)(AuthService&, const HttpRequest&, const std::string& id,
                                       std::map<std::string, std::string>& form);
  auto form_route = [&router, weak](const char* path, FormHandler handle) {
    router.Add(
        "POST", path,
        [weak, handle](const HttpRequest& req) {
          auto s = weak.lock();
          if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
          std::string id(req.Param("request"));
          auto form = Form(req);
          if (!CsrfOk(*s, req, id, form["csrf"])) return net::JsonError(403, "csrf", "the form is not this sign-in's");
          return handle(*s, req, id, form);
        },
        "application/x-www-form-urlencoded");
  };
  form_route("/login/{request}/cancel",
             [](AuthService& s, const HttpRequest& req, const std::string& id, std::map<std::string, std::string>&) {
               auto done = s.provider().Cancel(id, req.Cookie(BrowserCookieName(s)));
               return done.ok() ? SeeOther(done->url) : LoginPage(s, req, id);
             });
  form_route("/login/{request}/represent", [](AuthService& s, const HttpRequest& req, const std::string& id,
                                              std::map<std::string, std::string>& form) {
    auto done = s.provider().Represent(id, req.Cookie(BrowserCookieName(s)), form["party"]);
    if (done.ok()) return SeeOther(done->url);
    std::string lang = Language(req, "en");
    auth::Refusal why =
        done.status().code() == Code::kPermissionDenied ? auth::Refusal::kNotOnBoard : auth::Refusal::kChallengeUnknown;
    return Page(auth::ErrorPage(lang, auth::RefusalMessage(why, lang)), 400);
  });
  form_route("/login/{request}/app", [](AuthService& s, const HttpRequest& req, const std::string& id,
                                        std::map<std::string, std::string>& form) {
    std::string browser = req.Cookie(BrowserCookieName(s));
    auth::Checked<auth::AppStarted> started = s.provider().AppStart(id, browser, form["personal_code"]);
    if (!auth::Passed(started)) {
      auto view = s.provider().View(id, browser);
      std::string lang = Language(req, view ? view->locale : "en");
      const auth::Refusal why = std::get<auth::Refused>(started).why;
      if (why != auth::Refusal::kBusy) return LoginPage(s, req, id, auth::RefusalMessage(why, lang), 400);
      HttpResponse busy = LoginPage(s, req, id, auth::RefusalMessage(why, lang), 503);
      busy.headers.Set("Retry-After", "60");
      return busy;
    }
    HttpResponse r = SeeOther("/login/" + id);
    SetBrowserCookie(s, std::get<auth::AppStarted>(started).browser, r);  // the sign-in is this browser's now
    return r;
  });
  form_route("/login/{request}/app/continue",
             [](AuthService& s, const HttpRequest& req, const std::string& id, std::map<std::string, std::string>&) {
               std::string browser = req.Cookie(BrowserCookieName(s));
               auth::AppProgress now = s.provider().AppProgressNow(id, browser);
               if (now.state == auth::AppProgress::State::kDone) {
                 HttpResponse r = SeeOther(now.redirect);
                 SetBrowserCookie(s, now.browser, r);
                 return r;
               }
               if (now.state == auth::AppProgress::State::kRefused) {
                 auto view = s.provider().View(id, browser);
                 std::string lang = Language(req, view ? view->locale : "en");
                 return Page(auth::ErrorPage(lang, auth::RefusalMessage(now.refusal, lang)), 400);
               }
               return SeeOther("/login/" + id);
             });
  router.AddAsync("GET", "/login/{request}/app/wait", [weak](HttpRequest&& req, net::Responder respond) {
    auto s = weak.lock();
    if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the sign-in service is starting"));
    std::string id(req.Param("request"));
    if (!CsrfOk(*s, req, id, req.headers.Get("X-CSRF-Token"))) {
      return respond(net::JsonError(403, "csrf", "the request is not this sign-in's"));
    }
    if (!s->app_waiting().Enter()) {
      return respond(net::Busy("too many sign-in pages are waiting; try again"));
    }
    auto view = s->provider().View(id, req.Cookie(BrowserCookieName(*s)));
    std::string lang = Language(req, view ? view->locale : "en");
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    s->provider().AppWait(id, req.Cookie(BrowserCookieName(*s)), kAppLongPoll,
                          [s = s.get(), shared, lang](auth::AppProgress p) {
                            s->app_waiting().Leave();
                            Json body = {{"state", p.state == auth::AppProgress::State::kDone      ? "done"
                                                   : p.state == auth::AppProgress::State::kRefused ? "refused"
                                                                                                   : "waiting"}};
                            if (p.state == auth::AppProgress::State::kDone) body["redirect"] = p.redirect;
                            if (p.state == auth::AppProgress::State::kRefused) {
                              body["reason"] = auth::RefusalName(p.refusal);
                              body["message"] = auth::RefusalMessage(p.refusal, lang);
                            }
                            HttpResponse r = net::JsonResponse(body);
                            if (p.state == auth::AppProgress::State::kDone) SetBrowserCookie(*s, p.browser, r);
                            SecurityHeaders(r);
                            (*shared)(std::move(r));
                          });
  });
}

void AddIdCardRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  router.Add("POST", "/login/{request}/idcard/challenge", [weak](const HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    std::string id(req.Param("request"));
    if (!CsrfOk(*s, req, id, req.headers.Get("X-CSRF-Token"))) {
      return net::JsonError(403, "csrf", "the request is not this sign-in's");
    }
    auto nonce = s->provider().IdCardChallenge(id, req.Cookie(BrowserCookieName(*s)));
    if (!nonce.ok()) return net::ErrorResponse(nonce.status());
    HttpResponse r = net::JsonResponse(Json{{"nonce", *nonce}});
    SecurityHeaders(r);
    return r;
  });
  router.AddAsync(
      "POST", "/login/{request}/idcard",
      [weak](HttpRequest&& req, net::Responder respond) {
        auto s = weak.lock();
        if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the sign-in service is starting"));
        std::string id(req.Param("request"));
        if (!CsrfOk(*s, req, id, req.headers.Get("X-CSRF-Token"))) {
          return respond(net::JsonError(403, "csrf", "the request is not this sign-in's"));
        }
        // Bounded on their own (a CSRF token is the page's, which anyone can open), apart
        // from the app's answers, which anyone may post to a request they learnt of.
        if (!s->idcard_waiting().Enter()) {
          return respond(net::Busy("too many sign-ins are being checked; try again"));
        }
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        auto request = std::make_shared<HttpRequest>(std::move(req));
        // The checks wait on the OCSP responder: never on the network threads.
        s->checks().Submit([s = s.get(), shared, request, id] {
          s->idcard_waiting().Leave();
          std::string browser = request->Cookie(BrowserCookieName(*s));
          auto view = s->provider().View(id, browser);
          std::string lang = Language(*request, view ? view->locale : "en");
          auth::Checked<auth::Redirect> done = s->provider().IdCardLogin(id, browser, request->body, s->origin());
          HttpResponse r;
          if (auth::Passed(done)) {
            r = net::JsonResponse(Json{{"redirect", std::get<auth::Redirect>(done).url}});
            SetBrowserCookie(*s, std::get<auth::Redirect>(done).browser, r);
          } else {
            auth::Refusal why = std::get<auth::Refused>(done).why;
            r = net::JsonResponse(Json{{"error", auth::RefusalName(why)}, {"message", auth::RefusalMessage(why, lang)}},
                                  400);
          }
          SecurityHeaders(r);
          (*shared)(std::move(r));
        });
      },
      "application/json");
}

void AddTokenRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  router.AddAsync(
      "POST", "/token",
      [weak](HttpRequest&& req, net::Responder respond) {
        auto s = weak.lock();
        if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the sign-in service is starting"));
        auto form = net::ParseForm(req.body);
        if (!form.ok()) return respond(OAuthJson(400, "invalid_request", form.status().message()));
        auto get = [&](const char* k) { return form->contains(k) ? form->at(k) : std::string(); };
        auth::TokenRequest t;
        t.credentials = {std::string(req.headers.Get("Authorization")), get("client_id"), get("client_assertion_type"),
                         get("client_assertion")};
        t.grant_type = get("grant_type");
        t.code = get("code");
        t.redirect_uri = get("redirect_uri");
        t.code_verifier = get("code_verifier");
        t.refresh_token = get("refresh_token");
        // RS256 signatures take a millisecond: off the network threads, and at most
        // token_queue waiting for them (a client's assertion is checked before it is
        // known to be anyone's, so a flood of them must not queue without end).
        if (!s->tokens_waiting().Enter()) {
          return respond(net::NotTaken(
              OAuthJson(503, "temporarily_unavailable", "too many token requests are waiting; try again")));
        }
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        s->cpu().Submit([s = s.get(), shared, t = std::move(t)] {
          s->tokens_waiting().Leave();
          auto out = s->provider().Token(t);
          if (auto* e = std::get_if<auth::TokenError>(&out)) {
            HttpResponse r = OAuthJson(e->status, e->error, e->description);
            if (e->status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"riik\"");
            return (*shared)(std::move(r));
          }
          HttpResponse r = net::JsonResponse(std::get<Json>(out));
          SecurityHeaders(r);
          (*shared)(std::move(r));
        });
      },
      "application/x-www-form-urlencoded");
  auto userinfo = [weak](const HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    std::string_view auth = req.headers.Get("Authorization");
    std::string token = auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")
                            ? std::string(auth.substr(7))
                            : "";
    auto claims =
        token.empty() ? Result<Json>(Unauthenticated("no Bearer access token")) : s->provider().UserInfo(token);
    if (!claims.ok()) {
      HttpResponse r = OAuthJson(401, "invalid_token", claims.status().message());
      r.headers.Set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return r;
    }
    HttpResponse r = net::JsonResponse(*claims);
    SecurityHeaders(r);
    return r;
  };
  router.Add("GET", "/userinfo", userinfo);
  router.Add("POST", "/userinfo", userinfo);
  router.Add("GET", "/logout", [weak](const HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
    std::string lang = Language(req, req.QueryParam("ui_locales"));
    auto out = s->provider().Logout(req.QueryParam("id_token_hint"), req.QueryParam("post_logout_redirect_uri"),
                                    req.QueryParam("state"), req.Cookie(BrowserCookieName(*s)));
    if (!out.ok()) return Page(auth::ErrorPage(lang, auth::RequestErrorMessage(lang)), 400);
    s->Deliver(std::move(out->notices));
    return out->redirect.empty() ? Page(auth::SignedOutPage(lang)) : SeeOther(out->redirect);
  });
}

// The app's API answers: never cached; a 503 says when to try again.
HttpResponse ForApp(HttpResponse r) {
  SecurityHeaders(r);
  return r.status == 503 ? net::NotTaken(std::move(r)) : r;
}

HttpResponse DeviceRefused(const std::string& error, const std::string& message) {
  HttpResponse r = net::JsonError(401, error, message);
  r.headers.Set("WWW-Authenticate", "RiikDevice error=\"" + error + "\"");
  return ForApp(std::move(r));
}

void AddAppRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  // The person's device, bound once with PIN1 (auth/app_devices.h): checked off the
  // network threads, as it asks the OCSP responder.
  router.AddAsync(
      "POST", "/app/v1/devices",
      [weak](HttpRequest&& req, net::Responder respond) {
        auto s = weak.lock();
        if (!s || !s->ready()) {
          return respond(ForApp(net::JsonError(503, "unavailable", "the sign-in service is starting")));
        }
        auto body = net::ParseJsonBody(req, JsonLimits{16 * 1024, 4});
        auto binding = body.ok() ? auth::DeviceBindingFromJson(*body) : Result<auth::DeviceBinding>(body.status());
        if (!binding.ok()) {
          return respond(ForApp(net::JsonError(400, "invalid_argument", binding.status().message())));
        }
        // Signed now by the device key the binding names (one P-256 verification, here).
        if (Status held = s->devices().CheckPossession(*binding, req.headers.Get("Authorization")); !held.ok()) {
          return respond(DeviceRefused("invalid_token", held.message()));
        }
        auto answer = [](const auth::Checked<std::string>& id) {
          if (auto* refused = std::get_if<auth::Refused>(&id)) {
            // The binding's own faults are said in auth/app_devices.cc's words; the eID
            // checks' details may name the OCSP responder's errors, which stay in the
            // operator's log (at debug: anyone may post bindings).
            const bool ours = refused->why == auth::Refusal::kDeviceBinding;
            spdlog::debug("auth: a device binding refused: reason={} detail={}", auth::RefusalName(refused->why),
                          refused->detail);
            // The service's own trouble is for the app to try again later.
            const bool later =
                refused->why == auth::Refusal::kStatusUnavailable || refused->why == auth::Refusal::kInternal;
            return ForApp(net::JsonResponse(
                Json{{"error", auth::RefusalName(refused->why)},
                     {"message", ours ? refused->detail : std::string(auth::RefusalMessage(refused->why, "en"))}},
                later ? 503 : 400));
          }
          return ForApp(net::JsonResponse(Json{{"device", std::get<std::string>(id)}}));
        };
        // Presented again (after a restart, or each time an app starts): from memory, here.
        if (auto known = s->devices().Known(*binding)) return respond(answer(*known));
        if (!s->binds_waiting().Enter()) {
          return respond(ForApp(net::Busy("too many device bindings are being checked; try again")));
        }
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        s->checks().Submit([s = s.get(), shared, answer, binding = std::move(*binding)] {
          s->binds_waiting().Leave();
          (*shared)(answer(s->devices().Register(binding)));
        });
      },
      "application/json");
  router.Add("GET", "/app/v1/requests", [weak](const HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return ForApp(net::JsonError(503, "unavailable", "the sign-in service is starting"));
    auto code = s->devices().Authenticate(req.headers.Get("Authorization"));
    if (!code.ok()) {
      return DeviceRefused(code.status().code() == Code::kNotFound ? "unknown_device" : "invalid_token",
                           code.status().message());
    }
    Json list = Json::array();
    for (const auto& a : s->provider().AppPending("EE" + *code)) {
      Json entry = {{"id", a.id},
                    {"purpose", a.purpose},
                    {"service", a.client_name},
                    {"expires_at", FormatRfc3339(a.expires_at)}};
      if (!a.hash.empty()) {
        entry["hash"] = Base64Encode(a.hash);
        entry["hash_algorithm"] = "SHA-384";
      }
      if (!a.description.empty()) entry["description"] = a.description;
      list.push_back(std::move(entry));
    }
    return ForApp(net::JsonResponse(Json{{"requests", list}}));
  });
  router.AddAsync(
      "POST", "/app/v1/requests/{id}",
      [weak](HttpRequest&& req, net::Responder respond) {
        auto s = weak.lock();
        if (!s || !s->ready()) {
          return respond(ForApp(net::JsonError(503, "unavailable", "the sign-in service is starting")));
        }
        auto body = net::ParseJsonBody(req, JsonLimits{16 * 1024, 4});
        if (!body.ok() || !body->is_object()) {
          return respond(ForApp(net::JsonError(400, "invalid_argument", "the answer is a JSON object")));
        }
        std::string id(req.Param("id"));
        // A signature request's first step also names the signing certificate chosen.
        auto cert = Base64Decode(StringOr(*body, "certificate"));
        auto sig = Base64Decode(StringOr(*body, "signature"));
        auto signing = Base64Decode(StringOr(*body, "signing_certificate"));
        if (!cert.ok() || !sig.ok() || !signing.ok() || cert->empty()) {
          return respond(ForApp(net::JsonError(
              400, "invalid_argument", "give certificate and signature (and signing_certificate), all base64")));
        }
        if (!s->checks_waiting().Enter()) {
          return respond(ForApp(net::Busy("too many answers are being checked; try again")));
        }
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        if (BoolOr(*body, "decline")) {  // signed with PIN1 over DeclineHash(id)
          s->checks().Submit([s = s.get(), shared, id, answer = auth::AppAnswer{*cert, *sig, *signing}] {
            s->checks_waiting().Leave();
            Status st = s->provider().DeclineApp(id, answer);
            (*shared)(ForApp(st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st)));
          });
          return;
        }
        s->checks().Submit([s = s.get(), shared, id, answer = auth::AppAnswer{*cert, *sig, *signing}] {
          s->checks_waiting().Leave();
          auth::Checked<bool> done = s->provider().AnswerApp(id, answer);
          if (auth::Passed(done)) return (*shared)(ForApp(net::JsonResponse(Json{{"ok", true}})));
          const auto& refused = std::get<auth::Refused>(done);
          (*shared)(ForApp(net::JsonResponse(
              Json{{"error", auth::RefusalName(refused.why)}, {"message", auth::RefusalMessage(refused.why, "en")}},
              400)));
        });
      },
      "application/json");
}

// The signing API: a registered service (client_secret_basic or private_key_jwt, as at
// the token endpoint) asks a person to sign through their app (docs/signin.md).
void AddSigningRoutes(net::Router& router, std::weak_ptr<AuthService> weak) {
  using Handler = HttpResponse (*)(AuthService&, const auth::Client&, const HttpRequest&, const Json& body);
  auto route = [&router, weak](const char* path, Handler handle) {
    router.Add(
        "POST", path,
        [weak, handle](const HttpRequest& req) {
          auto s = weak.lock();
          if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the sign-in service is starting");
          auto body = net::ParseJsonBody(req, JsonLimits{64 * 1024, 4});
          if (!body.ok() || !body->is_object()) {
            return OAuthJson(400, "invalid_request", "the request is a JSON object");
          }
          auto client = s->provider().AuthenticateClient(
              {std::string(req.headers.Get("Authorization")), StringOr(*body, "client_id"),
               StringOr(*body, "client_assertion_type"), StringOr(*body, "client_assertion")});
          if (!client.ok()) {
            HttpResponse r = OAuthJson(401, "invalid_client", client.status().message());
            r.headers.Set("WWW-Authenticate", "Basic realm=\"riik\"");
            return r;
          }
          HttpResponse r = handle(*s, *client, req, *body);
          SecurityHeaders(r);
          return r;
        },
        "application/json");
  };
  route("/signing/v1/sessions", [](AuthService& s, const auth::Client& client, const HttpRequest&, const Json& body) {
    auto id = s.provider().StartSigning(client, StringOr(body, "personal_code"), StringOr(body, "description"));
    if (!id.ok()) return net::ErrorResponse(id.status());
    return net::JsonResponse(Json{{"session", *id}}, 201);
  });
  route("/signing/v1/sessions/{id}/digest",
        [](AuthService& s, const auth::Client& client, const HttpRequest& req, const Json& body) {
          auto digest = Base64Decode(StringOr(body, "digest"));
          if (!digest.ok()) return net::JsonError(400, "invalid_argument", "digest: base64 of the 48 bytes to sign");
          auto code = s.provider().SetSigningDigest(std::string(req.Param("id")), client.id, *digest);
          if (!code.ok()) return net::ErrorResponse(code.status());
          return net::JsonResponse(Json{{"verification_code", *code}});
        });
  route("/signing/v1/sessions/{id}/status",
        [](AuthService& s, const auth::Client& client, const HttpRequest& req, const Json&) {
          auto p = s.provider().Signing(std::string(req.Param("id")), client.id);
          if (!p.ok()) return net::ErrorResponse(p.status());
          Json out = {{"state", auth::SigningStateName(p->state)}};
          if (!p->certificate_der.empty()) out["certificate"] = Base64Encode(p->certificate_der);
          if (!p->verification_code.empty()) out["verification_code"] = p->verification_code;
          if (!p->signature.empty()) out["signature"] = Base64Encode(p->signature);
          if (p->state == auth::SigningProgress::State::kRefused) {
            out["reason"] = auth::RefusalName(p->refusal);
            out["message"] = auth::RefusalMessage(p->refusal, "en");
          }
          return net::JsonResponse(out);
        });
}

void AddStaticRoutes(net::Router& router) {
  router.Add("GET", "/static/{file}", [](const HttpRequest& req) {
    std::string_view name = req.Param("file");
    std::string_view asset = auth::SignInAsset(name);
    if (asset.empty()) return net::JsonError(404, "not_found", "no such file");
    HttpResponse r = net::TextResponse(
        std::string(asset), name.ends_with(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
    r.headers.Set("Cache-Control", "public, max-age=3600");
    r.headers.Set("X-Content-Type-Options", "nosniff");
    return r;
  });
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddAuthRoutes(Node&, const RoleConfig& role, net::Router& router) {
  AuthService::Lines lines;
  auto line = [&role](const char* setting, size_t& limit) -> Status {
    ASSIGN_OR_RETURN(int64_t n, role.Number(setting, static_cast<int64_t>(limit), 1, 1 << 20));
    limit = static_cast<size_t>(n);
    return OkStatus();
  };
  RETURN_IF_ERROR(line("answer_queue", lines.answers));
  RETURN_IF_ERROR(line("idcard_queue", lines.idcard));
  RETURN_IF_ERROR(line("bind_queue", lines.binds));
  RETURN_IF_ERROR(line("token_queue", lines.tokens));
  auto s = std::make_shared<AuthService>(role.name, lines);
  AddDiscoveryRoutes(router, s);
  AddLoginRoutes(router, s);
  AddIdCardRoutes(router, s);
  AddTokenRoutes(router, s);
  AddAppRoutes(router, s);
  AddSigningRoutes(router, s);
  AddStaticRoutes(router);
  return std::shared_ptr<RoleService>(s);
}

}  // namespace riik::node
