// The portal role: start, sign-in, the frame of its pages, its routes (portal.h).
#include "node/roles/portal/portal.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "auth/mandates.h"
#include "core/encoding.h"
#include "core/phrasebook.h"
#include "crypto/random.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "node/roles/portal_role.h"
#include "portal/assets.h"
#include "portal/format.h"
#include "portal/phrases.h"

namespace riik::node {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using portal::Tr;

constexpr const char* kPortalCookiePrefix = "portal";

}  // namespace

Status PortalService::Start(Node& node, const RoleConfig& role, const std::string& url) {
  ASSIGN_OR_RETURN(WebSignInOptions o, BrowserSignInOptions(node, role, url, kPortalCookiePrefix));
  secure_ = o.secure;
  ASSIGN_OR_RETURN(exchange_, BrowserExchangeCaller(role, o.client_id));
  if (!exchange_) return InvalidArgument("the portal role needs exchange_url: it asks the registries through it");
  ASSIGN_OR_RETURN(std::string root,
                   role.Required("trust_root", "the state root, which the trackers' listings chain to"));
  ASSIGN_OR_RETURN(trust_root_, ReadCertificatePemFile(root));
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore("portal"));
  ASSIGN_OR_RETURN(documents_, portal::DocumentStore::Open(*store));
  blocking_ = &node.blocking();
  vote_check_url_ = role.Setting("vote_check_url");
  ASSIGN_OR_RETURN(sign_in_, WebSignIn::Start(std::move(o)));
  ready_ = true;
  return OkStatus();
}

std::optional<PortalService::Person> PortalService::SignedIn(const HttpRequest& req) const {
  std::optional<WebSession> session = sign_in_->Find(req);
  if (!session) return std::nullopt;
  std::string sub = StringOr(session->claims, "sub");
  // The sign-in service names Estonian persons EE<personal code>; anyone else has no
  // data in these registries.
  if (sub.size() != 13 || !sub.starts_with("EE")) return std::nullopt;
  return Person{std::move(*session), sub.substr(2)};
}

Result<portal::Form> PortalService::SessionForm(const HttpRequest& req, const Person& person) {
  auto form = net::ParseForm(req.body);
  if (!form.ok() || !form->contains("csrf") || !SameToken(form->at("csrf"), person.session.csrf)) {
    return PermissionDenied("the form is not from this session's pages");
  }
  return std::move(*form);
}

std::string PortalService::LangCookie() const {
  return std::string(secure_ ? "__Host-" : "") + kPortalCookiePrefix + "_lang";
}

std::string PortalService::Lang(const HttpRequest& req) const {
  std::string chosen = req.Cookie(LangCookie());
  if (!chosen.empty()) return std::string(PageLanguage(chosen));
  return std::string(PageLanguage(req.headers.Get("Accept-Language")));
}

portal::PageContext PortalService::Context(const HttpRequest& req, const std::string& path,
                                           const Person* person) const {
  portal::PageContext c;
  c.lang = Lang(req);
  c.path = path;
  c.auth_url = sign_in_->auth_url();
  if (person) {
    const Json& claims = person->session.claims;
    const Json p = claims.value("profile_attributes", Json::object());
    c.name = portal::NameText(StringOr(p, "given_name") + " " + StringOr(p, "family_name"));
    c.csrf = person->session.csrf;
    if (auto company = auth::LegalPersonFromClaim(claims.value("represents_legal_person", Json())); company.ok()) {
      c.company = company->name;
    }
  }
  return c;
}

HttpResponse PortalService::Page(const portal::PageContext& c, std::string_view title, std::string_view body,
                                 int status) const {
  return portal::PortalPage(c, title, body, status);
}

HttpResponse PortalService::SignInFirst(const HttpRequest& req, const std::string& path) const {
  portal::PageContext c = Context(req, path, nullptr);
  return Page(c, Tr("sign_in", c.lang),
              fmt::format("<p>{}</p>\n<p><a class=\"button\" href=\"/login\" id=\"sign-in\">{}</a></p>\n",
                          HtmlEscape(Tr("not_signed_in", c.lang)), HtmlEscape(Tr("sign_in", c.lang))),
              401);
}

HttpResponse PortalService::Home(const HttpRequest& req) {
  std::optional<Person> person = SignedIn(req);
  portal::PageContext c = Context(req, "/", person ? &*person : nullptr);
  if (!person) {
    // An OAuth error code (access_denied, user_cancel, …) as the sign-in service sent it;
    // anything else is not shown (a link must not put its own words in the state's page).
    std::string error = req.QueryParam("error");
    if (error.size() > 40 || error.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      error = "unknown";
    }
    std::string note =
        error.empty() ? "" : portal::ErrorBox(fmt::format(fmt::runtime(Tr("signin_failed", c.lang)), error));
    return Page(c, Tr("home_title", c.lang),
                note + fmt::format("<p>{}</p>\n<p><a class=\"button\" href=\"/login\" id=\"sign-in\">{}</a></p>\n"
                                   "<p class=\"hint\">{}</p>\n",
                                   HtmlEscape(Tr("home_intro", c.lang)), HtmlEscape(Tr("sign_in", c.lang)),
                                   HtmlEscape(Tr("sign_in_help", c.lang))));
  }
  const Json p = person->session.claims.value("profile_attributes", Json::object());
  std::string tiles = "<ul class=\"tiles\">\n";
  for (const portal::Section& t : portal::Sections()) {
    if (t.tile == nullptr) continue;
    tiles += fmt::format("<li><a href=\"{}\" id=\"tile-{}\"><strong>{}</strong><span>{}</span></a></li>\n", t.path,
                         t.path + 1, HtmlEscape(Tr(t.title, c.lang)), HtmlEscape(Tr(t.tile, c.lang)));
  }
  tiles += "</ul>\n";
  return Page(c, fmt::format(fmt::runtime(Tr("welcome", c.lang)), portal::NameText(StringOr(p, "given_name"))), tiles);
}

// ?for=company: the sign-in service asks whom the person acts for (a board seat).
HttpResponse PortalService::Login(const HttpRequest& req) {
  return sign_in_->Login(req.QueryParam("for") == "company" ? "openid legalperson" : "openid", Lang(req));
}

void PortalService::Callback(HttpRequest&& req, net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string lang = Lang(req);
  sign_in_->Callback(req, "/", [this, shared, lang](Result<HttpResponse> r, const std::string& ending) {
    if (r.ok()) return (*shared)(std::move(*r));
    portal::PageContext c;
    c.lang = lang;
    c.auth_url = sign_in_->auth_url();
    int status = r.status().code() == Code::kInvalidArgument ? 400 : 502;
    HttpResponse page = Page(c, Tr("home_title", lang),
                             portal::ErrorBox(r.status().message()) + "<p><a href=\"/login\">" +
                                 HtmlEscape(Tr("try_again", lang)) + "</a></p>\n",
                             status);
    WebSignIn::AddCookie(page, ending);
    (*shared)(std::move(page));
  });
}

HttpResponse PortalService::Language(const HttpRequest& req) {
  std::string lang(PageLanguage(req.QueryParam("to")));
  HttpResponse r = net::SeeOther(portal::LocalPath(req.QueryParam("back")));
  // A year; SameSite=Lax, as the session's.
  r.headers.Add("Set-Cookie", LangCookie() + "=" + lang + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax" +
                                  (secure_ ? "; Secure" : ""));
  portal::SetSecurityHeaders(r, sign_in_->auth_url());
  return r;
}

HttpResponse PortalService::Asset(const HttpRequest& req) {
  std::string name(req.Param("name"));
  std::string_view bytes = portal::PortalAsset(name);
  if (bytes.empty()) return net::JsonError(404, "not_found", "no such file");
  const char* type = name.ends_with(".css")   ? "text/css; charset=utf-8"
                     : name.ends_with(".svg") ? "image/svg+xml"
                                              : "text/javascript; charset=utf-8";
  HttpResponse r = net::TextResponse(std::string(bytes), type);
  r.headers.Set("Cache-Control", "public, max-age=3600");
  portal::SetSecurityHeaders(r, sign_in_->auth_url());
  return r;
}

net::HttpResponse PortalService::JsonAnswer(const riik::Json& body) const {
  HttpResponse r = net::JsonResponse(body);
  r.headers.Set("Cache-Control", "no-store");
  portal::SetSecurityHeaders(r, sign_in_->auth_url());
  return r;
}

Result<std::shared_ptr<RoleService>> AddPortalRoutes(Node&, const RoleConfig&, net::Router& router) {
  auto p = std::make_shared<PortalService>();
  std::weak_ptr<PortalService> weak = p;
  router.Add("GET", "/", Bind(weak, &PortalService::Home));
  router.Add("GET", "/login", Bind(weak, &PortalService::Login));
  router.AddAsync("GET", "/callback", Bind(weak, &PortalService::Callback));
  AddSignOutRoutes(router, weak);
  router.Add("GET", "/lang", Bind(weak, &PortalService::Language));
  router.Add("GET", "/static/{name}", Bind(weak, &PortalService::Asset));
  router.AddAsync("GET", "/data", Bind(weak, &PortalService::MyData));
  router.AddAsync("GET", "/address", Bind(weak, &PortalService::Address));
  router.AddAsync("POST", "/address", Bind(weak, &PortalService::ChangeAddress), "application/x-www-form-urlencoded");
  router.AddAsync("GET", "/address/status", Bind(weak, &PortalService::AddressStatus));
  router.AddAsync("GET", "/tax", Bind(weak, &PortalService::TaxReturn));
  router.AddAsync("POST", "/tax/sign", Bind(weak, &PortalService::SignTaxReturn), "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/tax/signing", Bind(weak, &PortalService::TaxSigningStatus));
  router.AddAsync("GET", "/tracker", Bind(weak, &PortalService::Trackers));
  router.AddAsync("GET", "/companies", Bind(weak, &PortalService::Companies));
  router.AddAsync("GET", "/documents", Bind(weak, &PortalService::Documents));
  router.AddAsync("POST", "/documents", Bind(weak, &PortalService::Upload), "multipart/form-data");
  router.AddAsync("GET", "/documents/{id}", Bind(weak, &PortalService::ShowDocument));
  router.AddAsync("POST", "/documents/{id}/sign", Bind(weak, &PortalService::SignDocument),
                  "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/documents/{id}/signing", Bind(weak, &PortalService::DocumentSigningStatus));
  router.AddAsync("POST", "/documents/{id}/cosigners", Bind(weak, &PortalService::AskCosigner),
                  "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/documents/{id}/verify", Bind(weak, &PortalService::VerifyDocument),
                  "application/x-www-form-urlencoded");
  router.AddAsync("GET", "/documents/{id}/container", Bind(weak, &PortalService::DownloadDocument));
  router.AddAsync("GET", "/tracker/{name}", Bind(weak, &PortalService::TrackerListing));
  router.AddAsync("GET", "/vote", Bind(weak, &PortalService::Vote));
  router.AddAsync("POST", "/vote", Bind(weak, &PortalService::CastVote), "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/vote/signing", Bind(weak, &PortalService::VoteSigningStatus));
  return std::shared_ptr<RoleService>(p);
}

}  // namespace riik::node
