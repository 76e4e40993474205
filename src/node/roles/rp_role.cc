// A relying party of the sign-in service (rp_role.h).
#include "node/roles/rp_role.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "auth/mandates.h"
#include "core/encoding.h"
#include "core/json.h"
#include "node/node.h"
#include "node/roles/browser_service.h"

namespace riik::node {
namespace {

using net::HttpRequest;
using net::HttpResponse;

class RelyingParty : public BrowserService {
 public:
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;

  HttpResponse Home(const HttpRequest& req);
  HttpResponse Login(const HttpRequest& req);
  // The company the person acts for, from the business register through the exchange,
  // the call made for it (X-Road-Represented-Party).
  void Company(HttpRequest&& req, net::Responder respond);
  // Calls the sign-in service (the token endpoint, the JWKS) from the event loop it runs
  // on, without blocking it or any thread (web_sign_in.h).
  void Callback(HttpRequest&& req, net::Responder respond);

 private:
  // The sign-in's failure, on this service's page.
  HttpResponse Failed(const Status& status) const;
  HttpResponse Page(std::string body, int status = 200) const;

  std::unique_ptr<registry::ExchangeCaller> exchange_;  // null: no calls through the exchange
  std::string company_service_;
  std::string title_;
};

Status RelyingParty::Start(Node& node, const RoleConfig& role, const std::string& url) {
  ASSIGN_OR_RETURN(WebSignInOptions o, BrowserSignInOptions(node, role, url, "rp"));
  title_ = role.Setting("title", "Demo service");
  ASSIGN_OR_RETURN(exchange_, BrowserExchangeCaller(role, o.client_id));
  if (exchange_) company_service_ = role.Setting("company_service", "EE/GOV/70000310/business/company");
  ASSIGN_OR_RETURN(sign_in_, WebSignIn::Start(std::move(o)));
  ready_ = true;
  return OkStatus();
}

HttpResponse RelyingParty::Failed(const Status& status) const {
  if (status.code() == Code::kInvalidArgument) {
    return Page("<p role=\"alert\">" + HtmlEscape(status.message()) + " <a href=\"/login\">Sign in</a></p>\n", 400);
  }
  if (status.code() == Code::kUnavailable || status.code() == Code::kResourceExhausted) {  // busy, or not reached
    return Page("<p role=\"alert\">" + HtmlEscape(status.message()) + " <a href=\"/login\">Try again</a></p>\n", 502);
  }
  return net::JsonError(500, "internal", status.message());
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
  r.headers.Set("Content-Security-Policy", "default-src 'none'; form-action 'self' " + sign_in_->auth_url() +
                                               "; frame-ancestors 'none'; base-uri 'none'");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "no-referrer");
  return r;
}

HttpResponse RelyingParty::Home(const HttpRequest& req) {
  std::optional<WebSession> session = sign_in_->Find(req);
  if (!session) {
    std::string error = req.QueryParam("error");
    std::string note =
        error.empty() ? "" : "<p role=\"alert\">Sign-in did not complete: " + HtmlEscape(error) + "</p>\n";
    return Page(note +
                "<p>You are not signed in.</p>\n<p><a href=\"/login\" id=\"sign-in\">Sign in with eID</a></p>\n"
                "<p><a href=\"/login?for=company\" id=\"sign-in-company\">Sign in to act for a company</a></p>\n");
  }
  const Json& c = session->claims;
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
                          HtmlEscape(StringOr(c, "acr")), HtmlEscape(session->csrf)));
}

void RelyingParty::Company(HttpRequest&& req, net::Responder respond) {
  std::optional<WebSession> session = sign_in_->Find(req);
  Json claims = session ? session->claims : Json();
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
          spdlog::warn("rp {}: the business register: {}", sign_in_->client_id(), CodeName(answer.status().code()));
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
            HtmlEscape(StringOr(b, "founded")), board, IntOr(b, "employees"), HtmlEscape(party),
            HtmlEscape(answer->xroad_id))));
      });
}

HttpResponse RelyingParty::Login(const HttpRequest& req) {
  return sign_in_->Login(req.QueryParam("for") == "company" ? "openid legalperson" : "openid");
}

void RelyingParty::Callback(HttpRequest&& req, net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  sign_in_->Callback(req, "/", [this, shared](Result<HttpResponse> r, const std::string& ending) {
    if (r.ok()) return (*shared)(std::move(*r));
    HttpResponse page = Failed(r.status());
    WebSignIn::AddCookie(page, ending);
    (*shared)(std::move(page));
  });
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddRelyingPartyRoutes(Node&, const RoleConfig&, net::Router& router) {
  auto rp = std::make_shared<RelyingParty>();
  std::weak_ptr<RelyingParty> weak = rp;
  router.Add("GET", "/", Bind(weak, &RelyingParty::Home));
  router.Add("GET", "/login", Bind(weak, &RelyingParty::Login));
  router.AddAsync("GET", "/callback", Bind(weak, &RelyingParty::Callback));
  router.AddAsync("GET", "/company", Bind(weak, &RelyingParty::Company));
  AddSignOutRoutes(router, weak);
  return std::shared_ptr<RoleService>(rp);
}

}  // namespace riik::node
