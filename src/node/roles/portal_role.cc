// The citizen portal (portal_role.h).
#include "node/roles/portal_role.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "auth/mandates.h"
#include "core/encoding.h"
#include "core/phrasebook.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "node/roles/browser_service.h"
#include "portal/address.h"
#include "portal/assets.h"
#include "portal/companies.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "portal/tax_return.h"
#include "portal/tracker_view.h"

namespace riik::node {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using portal::Tr;

constexpr const char* kPortalCookiePrefix = "portal";
using portal::OwnRequest;

class Portal : public BrowserService {
 public:
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;

  HttpResponse Home(const HttpRequest& req);
  HttpResponse Login(const HttpRequest& req);
  void Callback(HttpRequest&& req, net::Responder respond);
  HttpResponse Language(const HttpRequest& req);
  HttpResponse Asset(const HttpRequest& req);
  void MyData(HttpRequest&& req, net::Responder respond);
  void Address(HttpRequest&& req, net::Responder respond);
  void ChangeAddress(HttpRequest&& req, net::Responder respond);
  void AddressStatus(HttpRequest&& req, net::Responder respond);
  void TaxReturn(HttpRequest&& req, net::Responder respond);
  void SignTaxReturn(HttpRequest&& req, net::Responder respond);
  void TaxSigningStatus(HttpRequest&& req, net::Responder respond);
  void Trackers(HttpRequest&& req, net::Responder respond);
  void Companies(HttpRequest&& req, net::Responder respond);
  void TrackerListing(HttpRequest&& req, net::Responder respond);

 private:
  // The person signed in: their session and personal code (from the ID token's sub).
  struct Person {
    WebSession session;
    std::string code;
  };
  std::optional<Person> SignedIn(const HttpRequest& req) const;
  // The fields of a form sent from one of the person's pages (its CSRF token is their
  // session's); PermissionDenied otherwise.
  static Result<portal::Form> SessionForm(const HttpRequest& req, const Person& person);
  std::string Lang(const HttpRequest& req) const;
  portal::PageContext Context(const HttpRequest& req, const std::string& path, const Person* person) const;
  HttpResponse Page(const portal::PageContext& c, std::string_view title, std::string_view body,
                    int status = 200) const;
  // The page for someone who is not signed in.
  HttpResponse SignInFirst(const HttpRequest& req, const std::string& path) const;
  // The address page: the current address from the population register, then `then`.
  void WithCurrentAddress(const Person& p, std::function<void(Result<registry::ExchangeAnswer>)> then);
  std::string LangCookie() const;
  // The person's latest income year, then their return for it (its bytes as the board
  // gave them), then `then`.
  using ReturnThen = std::function<void(int64_t year, Result<registry::ExchangeAnswer>)>;
  void WithTaxReturn(const std::string& code, ReturnThen then);
  // A signing of a return under way, by personal code.
  struct Signing {
    std::string session;  // at the signatures service
    int64_t year = 0;
    portal::ReturnSigning shown;
    std::chrono::steady_clock::time_point started;
  };
  std::optional<Signing> FindSigning(const std::string& code);
  void SetSigning(const std::string& code, std::optional<Signing> signing);
  // The signed container to the tax board, then the outcome to the browser.
  void Submit(const std::string& code, const Signing& signing, std::shared_ptr<net::Responder> respond,
              std::string lang);
  HttpResponse SigningAnswer(const portal::ReturnSigning& shown, std::string_view lang) const;

  std::mutex mu_;
  std::map<std::string, Signing> signings_;  // by personal code

  std::unique_ptr<registry::ExchangeCaller> exchange_;
  UniquePtr<X509> trust_root_;  // what the trackers' listings must chain to
  bool secure_ = true;
};

Status Portal::Start(Node& node, const RoleConfig& role, const std::string& url) {
  ASSIGN_OR_RETURN(WebSignInOptions o, BrowserSignInOptions(node, role, url, kPortalCookiePrefix));
  secure_ = o.secure;
  ASSIGN_OR_RETURN(exchange_, BrowserExchangeCaller(role, o.client_id));
  if (!exchange_) return InvalidArgument("the portal role needs exchange_url: it asks the registries through it");
  ASSIGN_OR_RETURN(std::string root,
                   role.Required("trust_root", "the state root, which the trackers' listings chain to"));
  ASSIGN_OR_RETURN(trust_root_, ReadCertificatePemFile(root));
  ASSIGN_OR_RETURN(sign_in_, WebSignIn::Start(std::move(o)));
  ready_ = true;
  return OkStatus();
}

std::optional<Portal::Person> Portal::SignedIn(const HttpRequest& req) const {
  std::optional<WebSession> session = sign_in_->Find(req);
  if (!session) return std::nullopt;
  std::string sub = StringOr(session->claims, "sub");
  // The sign-in service names Estonian persons EE<personal code>; anyone else has no
  // data in these registries.
  if (sub.size() != 13 || !sub.starts_with("EE")) return std::nullopt;
  return Person{std::move(*session), sub.substr(2)};
}

Result<portal::Form> Portal::SessionForm(const HttpRequest& req, const Person& person) {
  auto form = net::ParseForm(req.body);
  if (!form.ok() || !form->contains("csrf") || form->at("csrf") != person.session.csrf) {
    return PermissionDenied("the form is not from this session's pages");
  }
  return std::move(*form);
}

std::string Portal::LangCookie() const { return std::string(secure_ ? "__Host-" : "") + kPortalCookiePrefix + "_lang"; }

std::string Portal::Lang(const HttpRequest& req) const {
  std::string chosen = req.Cookie(LangCookie());
  if (!chosen.empty()) return std::string(PageLanguage(chosen));
  return std::string(PageLanguage(req.headers.Get("Accept-Language")));
}

portal::PageContext Portal::Context(const HttpRequest& req, const std::string& path, const Person* person) const {
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

HttpResponse Portal::Page(const portal::PageContext& c, std::string_view title, std::string_view body,
                          int status) const {
  return portal::PortalPage(c, title, body, status);
}

HttpResponse Portal::SignInFirst(const HttpRequest& req, const std::string& path) const {
  portal::PageContext c = Context(req, path, nullptr);
  return Page(c, Tr("sign_in", c.lang),
              fmt::format("<p>{}</p>\n<p><a class=\"button\" href=\"/login\" id=\"sign-in\">{}</a></p>\n",
                          HtmlEscape(Tr("not_signed_in", c.lang)), HtmlEscape(Tr("sign_in", c.lang))),
              401);
}

HttpResponse Portal::Home(const HttpRequest& req) {
  std::optional<Person> person = SignedIn(req);
  portal::PageContext c = Context(req, "/", person ? &*person : nullptr);
  if (!person) {
    std::string error = req.QueryParam("error");
    std::string note =
        error.empty() ? "" : portal::ErrorBox(fmt::format(fmt::runtime(Tr("signin_failed", c.lang)), error));
    return Page(c, Tr("home_title", c.lang),
                note + fmt::format("<p>{}</p>\n<p><a class=\"button\" href=\"/login\" id=\"sign-in\">{}</a></p>\n"
                                   "<p class=\"hint\">{}</p>\n",
                                   HtmlEscape(Tr("home_intro", c.lang)), HtmlEscape(Tr("sign_in", c.lang)),
                                   HtmlEscape(Tr("sign_in_help", c.lang))));
  }
  const Json p = person->session.claims.value("profile_attributes", Json::object());
  std::string tiles = fmt::format(
      "<ul class=\"tiles\">\n<li><a href=\"/data\" id=\"tile-data\"><strong>{}</strong><span>{}</span></a></li>\n"
      "<li><a href=\"/address\" id=\"tile-address\"><strong>{}</strong><span>{}</span></a></li>\n"
      "<li><a href=\"/tax\" id=\"tile-tax\"><strong>{}</strong><span>{}</span></a></li>\n"
      "<li><a href=\"/tracker\" id=\"tile-tracker\"><strong>{}</strong><span>{}</span></a></li>\n"
      "<li><a href=\"/companies\" id=\"tile-companies\"><strong>{}</strong><span>{}</span></a></li>\n</ul>\n",
      HtmlEscape(Tr("nav_data", c.lang)), HtmlEscape(Tr("tile_data", c.lang)), HtmlEscape(Tr("nav_address", c.lang)),
      HtmlEscape(Tr("tile_address", c.lang)), HtmlEscape(Tr("nav_tax", c.lang)), HtmlEscape(Tr("tile_tax", c.lang)),
      HtmlEscape(Tr("nav_tracker", c.lang)), HtmlEscape(Tr("tile_tracker", c.lang)),
      HtmlEscape(Tr("nav_companies", c.lang)), HtmlEscape(Tr("tile_companies", c.lang)));
  return Page(c, fmt::format(fmt::runtime(Tr("welcome", c.lang)), portal::NameText(StringOr(p, "given_name"))), tiles);
}

// ?for=company: the sign-in service asks whom the person acts for (a board seat).
HttpResponse Portal::Login(const HttpRequest& req) {
  return sign_in_->Login(req.QueryParam("for") == "company" ? "openid legalperson" : "openid", Lang(req));
}

void Portal::Callback(HttpRequest&& req, net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string lang = Lang(req);
  sign_in_->Callback(req, "/", [this, shared, lang](Result<HttpResponse> r) {
    if (r.ok()) return (*shared)(std::move(*r));
    portal::PageContext c;
    c.lang = lang;
    c.auth_url = sign_in_->auth_url();
    int status = r.status().code() == Code::kInvalidArgument ? 400 : 502;
    (*shared)(Page(c, Tr("home_title", lang),
                   portal::ErrorBox(r.status().message()) + "<p><a href=\"/login\">" +
                       HtmlEscape(Tr("try_again", lang)) + "</a></p>\n",
                   status));
  });
}

HttpResponse Portal::Language(const HttpRequest& req) {
  std::string lang(PageLanguage(req.QueryParam("to")));
  HttpResponse r = net::SeeOther(portal::LocalPath(req.QueryParam("back")));
  // A year; SameSite=Lax, as the session's.
  r.headers.Add("Set-Cookie", LangCookie() + "=" + lang + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax" +
                                  (secure_ ? "; Secure" : ""));
  portal::SetSecurityHeaders(r, sign_in_->auth_url());
  return r;
}

HttpResponse Portal::Asset(const HttpRequest& req) {
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

void Portal::MyData(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/data"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  portal::PageContext c = Context(req, "/data", &*person);
  portal::GatherMyData(*exchange_, person->code, [this, shared, c](std::vector<portal::DataItem> items) {
    for (const auto& item : items) {
      // The failure's kind only: its message may quote the person's code.
      if (!item.answer.ok() && item.answer.status().code() != Code::kNotFound) {
        spdlog::warn("portal: {} could not be asked: {}", item.source->ServiceId(),
                     CodeName(item.answer.status().code()));
      }
    }
    (*shared)(Page(c, Tr("data_title", c.lang), portal::MyDataBody(items, c.lang)));
  });
}

void Portal::WithCurrentAddress(const Person& p, std::function<void(Result<registry::ExchangeAnswer>)> then) {
  exchange_->GetAsync(portal::AddressServiceId(), "/" + p.code, OwnRequest(p.code), std::move(then));
}

void Portal::Address(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/address"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  portal::PageContext c = Context(req, "/address", &*person);
  bool changed = req.QueryParam("changed") == "1";
  std::string code = person->code;
  WithCurrentAddress(*person, [this, shared, c, changed, code](Result<registry::ExchangeAnswer> current) {
    portal::AddressPage page;
    page.csrf = c.csrf;
    if (current.ok()) page.current = current->body.value("current", Json());
    std::string body;
    if (!current.ok()) {
      body = portal::ErrorBox(fmt::format(fmt::runtime(Tr("unavailable", c.lang)),
                                          portal::RegistryName(registry::Kind::kPopulation, c.lang)));
    }
    if (!changed || !page.current.is_object()) {
      return (*shared)(Page(c, Tr("address_title", c.lang), body + portal::AddressFormBody(page, c.lang)));
    }
    // Just changed: the new address, and who knows of it yet.
    std::string note = fmt::format(
        "<div class=\"done\" role=\"status\" id=\"address-changed\"><p>{}</p></div>\n",
        HtmlEscape(fmt::format(fmt::runtime(Tr("address_changed", c.lang)), StringOr(page.current, "address"))));
    portal::AskSubscribers(
        *exchange_, code, page.current, [this, shared, c, page, note](std::vector<portal::SubscriberState> states) {
          (*shared)(Page(c, Tr("address_title", c.lang),
                         note + portal::PropagationList(states, c.lang) + portal::AddressFormBody(page, c.lang)));
        });
  });
}

void Portal::ChangeAddress(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/address"));
  portal::PageContext c = Context(req, "/address", &*person);
  auto form = SessionForm(req, *person);
  if (!form.ok()) return respond(Page(c, Tr("address_title", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  auto refuse = [this, shared, c, values = *form](std::string error, Json current) {
    portal::AddressPage page{std::move(current), values, std::move(error), c.csrf};
    page.values.erase("csrf");
    (*shared)(Page(c, Tr("address_title", c.lang), portal::AddressFormBody(page, c.lang), 400));
  };
  auto change = portal::AddressChangeFromForm(*form, c.lang);
  if (!change.ok()) return refuse(change.status().message(), Json());
  exchange_->PostAsync(portal::AddressServiceId(), "/" + person->code, *change, OwnRequest(person->code),
                       [shared, c, refuse](Result<registry::ExchangeAnswer> moved) {
                         if (moved.ok()) return (*shared)(net::SeeOther("/address?changed=1"));
                         spdlog::warn("portal: an address change failed: {}", CodeName(moved.status().code()));
                         if (moved.status().code() == Code::kInvalidArgument) {
                           return refuse(fmt::format(fmt::runtime(Tr("address_refused", c.lang)),
                                                     registry::ProviderMessage(moved.status())),
                                         Json());
                         }
                         refuse(Tr("address_unavailable", c.lang), Json());
                       });
}

// --- Tax return ---

constexpr size_t kMaxSignings = 10'000;
constexpr auto kSigningLifetime = std::chrono::minutes(10);  // the signatures service's

void Portal::WithTaxReturn(const std::string& code, ReturnThen then) {
  exchange_->GetAsync(
      portal::TaxIncomeServiceId(), "/" + code, OwnRequest(code),
      [this, code, then = std::move(then)](Result<registry::ExchangeAnswer> income) {
        if (!income.ok()) return then(0, income.status());
        auto today =
            std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
        int64_t year = portal::LatestIncomeYear(income->body, static_cast<int>(today.year()) - 1);
        exchange_->GetAsync(portal::TaxReturnServiceId(), "/" + code + "/" + std::to_string(year), OwnRequest(code),
                            [year, then](Result<registry::ExchangeAnswer> doc) { then(year, std::move(doc)); });
      });
}

std::optional<Portal::Signing> Portal::FindSigning(const std::string& code) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  for (auto it = signings_.begin(); it != signings_.end();) {
    it = now - it->second.started > kSigningLifetime ? signings_.erase(it) : std::next(it);
  }
  auto it = signings_.find(code);
  if (it == signings_.end()) return std::nullopt;
  return it->second;
}

void Portal::SetSigning(const std::string& code, std::optional<Signing> signing) {
  std::lock_guard lock(mu_);
  if (!signing) {
    signings_.erase(code);
  } else if (signings_.size() < kMaxSignings || signings_.contains(code)) {
    signings_[code] = std::move(*signing);
  }
}

void Portal::TaxReturn(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/tax"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  portal::PageContext c = Context(req, "/tax", &*person);
  std::string code = person->code;
  WithTaxReturn(code, [this, shared, c, code](int64_t year, Result<registry::ExchangeAnswer> doc) {
    std::string title = fmt::format(fmt::runtime(Tr("tax_title", c.lang)), year > 0 ? std::to_string(year) : "");
    if (!doc.ok()) {
      spdlog::warn("portal: the tax return could not be read: {}", CodeName(doc.status().code()));
      return (*shared)(Page(c, title, portal::ErrorBox(Tr("tax_unavailable", c.lang)), 502));
    }
    std::optional<Signing> signing = FindSigning(code);
    const portal::ReturnSigning* shown = signing && signing->year == year ? &signing->shown : nullptr;
    (*shared)(Page(c, title, portal::TaxReturnBody(doc->body, shown, c.csrf, c.lang)));
  });
}

void Portal::SignTaxReturn(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/tax"));
  portal::PageContext c = Context(req, "/tax", &*person);
  if (!SessionForm(req, *person).ok()) {
    return respond(Page(c, Tr("nav_tax", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  }
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string code = person->code;
  auto back_to_the_return = [shared] { (*shared)(net::SeeOther("/tax")); };
  auto failed = [this, shared, c](const char* key) {
    (*shared)(Page(
        c, Tr("nav_tax", c.lang),
        portal::ErrorBox(Tr(key, c.lang)) + "<p><a href=\"/tax\">" + HtmlEscape(Tr("try_again", c.lang)) + "</a></p>\n",
        502));
  };
  WithTaxReturn(code, [this, code, back_to_the_return, failed](int64_t year, Result<registry::ExchangeAnswer> doc) {
    if (!doc.ok()) return failed("tax_unavailable");
    if (StringOr(doc->body, "status") != "draft") return back_to_the_return();  // submitted already
    auto container = portal::ReturnContainer(doc->bytes, year);
    if (!container.ok()) return failed("tax_unavailable");
    std::string description = "Income tax return " + std::to_string(year);
    exchange_->SendAsync(
        "POST", portal::kRemoteSigningService, "?description=" + net::PercentEncode(description), std::move(*container),
        "application/vnd.etsi.asic-e+zip", OwnRequest(code),
        [this, code, year, back_to_the_return, failed](Result<registry::ExchangeAnswer> started) {
          std::string session = started.ok() ? StringOr(started->body, "session") : "";
          if (session.empty()) {
            spdlog::warn("portal: remote signing did not start: {}", CodeName(started.status().code()));
            return failed("sign_unavailable");
          }
          SetSigning(
              code,
              Signing{session, year, {StringOr(started->body, "state"), "", ""}, std::chrono::steady_clock::now()});
          back_to_the_return();
        });
  });
}

HttpResponse Portal::SigningAnswer(const portal::ReturnSigning& shown, std::string_view lang) const {
  HttpResponse r = net::JsonResponse(portal::SigningJson(shown, lang));
  r.headers.Set("Cache-Control", "no-store");
  portal::SetSecurityHeaders(r, sign_in_->auth_url());
  return r;
}

void Portal::TaxSigningStatus(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  std::string lang = Lang(req), code = person->code;
  std::optional<Signing> signing = FindSigning(code);
  if (!signing) return respond(SigningAnswer({"none", "", ""}, lang));
  if (signing->shown.state == "submitting" || signing->shown.state == "submitted" ||
      signing->shown.state == "refused") {
    return respond(SigningAnswer(signing->shown, lang));
  }
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  exchange_->GetAsync(portal::kRemoteSigningService, "/" + signing->session, OwnRequest(code),
                      [this, shared, lang, code, s = *signing](Result<registry::ExchangeAnswer> state) mutable {
                        if (!state.ok())
                          return (*shared)(SigningAnswer(s.shown, lang));  // asked again on the next poll
                        s.shown.state = StringOr(state->body, "state", s.shown.state);
                        s.shown.verification_code =
                            StringOr(state->body, "verification_code", s.shown.verification_code);
                        s.shown.message = StringOr(state->body, "message");
                        if (s.shown.state == "signed") {
                          s.shown.state = "submitting";  // one poll submits; the others see this
                          SetSigning(code, s);
                          return Submit(code, s, shared, lang);
                        }
                        SetSigning(code, s);
                        (*shared)(SigningAnswer(s.shown, lang));
                      });
}

void Portal::Submit(const std::string& code, const Signing& signing, std::shared_ptr<net::Responder> respond,
                    std::string lang) {
  auto end = [this, code, respond, lang, signing](std::string state, std::string message) {
    Signing s = signing;
    s.shown.state = std::move(state);
    s.shown.message = std::move(message);
    SetSigning(code, s);
    (*respond)(SigningAnswer(s.shown, lang));
  };
  exchange_->SendAsync(
      "GET", portal::kRemoteSigningService, "/" + signing.session + "/container", "", "", OwnRequest(code),
      [this, code, signing, end, lang](Result<registry::ExchangeAnswer> container) {
        if (!container.ok() || container->bytes.empty()) {
          return end("refused", Tr("sign_unavailable", lang));
        }
        exchange_->SendAsync(
            "POST", portal::TaxReturnServiceId(), "/" + code + "/" + std::to_string(signing.year) + "/submit",
            std::move(container->bytes), "application/vnd.etsi.asic-e+zip", OwnRequest(code),
            [end, lang](Result<registry::ExchangeAnswer> submitted) {
              if (submitted.ok()) return end("submitted", "");
              spdlog::warn("portal: a signed return was not accepted: {}", CodeName(submitted.status().code()));
              end("refused",
                  fmt::format(fmt::runtime(Tr("submit_refused", lang)), registry::ProviderMessage(submitted.status())));
            });
      });
}

// --- My companies ---

void Portal::Companies(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/companies"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  portal::PageContext c = Context(req, "/companies", &*person);
  auto acting = auth::LegalPersonFromClaim(person->session.claims.value("represents_legal_person", Json()));
  std::string code = person->code;
  exchange_->GetAsync(portal::BusinessRolesServiceId(), "/" + code, OwnRequest(code),
                      [this, shared, c, code, acting](Result<registry::ExchangeAnswer> roles) {
                        auto page = std::make_shared<portal::CompaniesPage>();
                        page->roles = std::move(roles);
                        if (!acting.ok())
                          return (*shared)(Page(c, Tr("nav_companies", c.lang), portal::CompaniesBody(*page, c.lang)));
                        page->acting_code = acting->registry_code;
                        page->acting_name = acting->name;
                        page->represented_party = auth::RepresentedParty(*acting);
                        exchange_->GetAsync(
                            portal::CompanyServiceId(), "/" + acting->registry_code,
                            {"EE" + code, portal::kActingIssue, page->represented_party},
                            [this, shared, c, page](Result<registry::ExchangeAnswer> company) {
                              page->company = std::move(company);
                              (*shared)(Page(c, Tr("nav_companies", c.lang), portal::CompaniesBody(*page, c.lang)));
                            });
                      });
}

// --- Who used my data ---

void Portal::Trackers(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/tracker"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  portal::PageContext c = Context(req, "/tracker", &*person);
  c.chart = true;
  portal::GatherTrackers(
      *exchange_, person->code, trust_root_.get(), [this, shared, c](std::vector<portal::TrackerItem> items) {
        for (const auto& item : items) {
          if (item.listing.ok() && !item.verified.ok()) {
            spdlog::error("portal: a tracker listing of {} does not verify", registry::InfoOf(item.registry).name);
          }
        }
        (*shared)(Page(c, Tr("nav_tracker", c.lang), portal::TrackerBody(items, exchange_->client_id(), c.lang)));
      });
}

// GET /tracker/NAME.json: the registry's listing about the person, its bytes as the
// registry signed them (for the browser's own check, and to keep).
void Portal::TrackerListing(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  std::string name(req.Param("name"));
  if (!name.ends_with(".json")) return respond(net::JsonError(404, "not_found", "no such listing"));
  auto found = registry::FindRegistry(name.substr(0, name.size() - 5));
  if (!found.ok()) return respond(net::JsonError(404, "not_found", found.status().message()));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string file = "tracker-" + std::string((*found)->name) + ".json";
  exchange_->GetAsync(portal::TrackerServiceId((*found)->kind), "/" + person->code, OwnRequest(person->code),
                      [this, shared, file](Result<registry::ExchangeAnswer> listing) {
                        if (!listing.ok()) return (*shared)(net::ErrorResponse(listing.status()));
                        HttpResponse r = net::TextResponse(std::move(listing->bytes), "application/json");
                        r.headers.Set("Content-Disposition", "attachment; filename=\"" + file + "\"");
                        r.headers.Set("Cache-Control", "no-store");
                        portal::SetSecurityHeaders(r, sign_in_->auth_url());
                        (*shared)(std::move(r));
                      });
}

void Portal::AddressStatus(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string lang = Lang(req), code = person->code;
  WithCurrentAddress(*person, [this, shared, lang, code](Result<registry::ExchangeAnswer> current) {
    if (!current.ok()) return (*shared)(net::JsonError(502, "unavailable", "the population register did not answer"));
    portal::AskSubscribers(*exchange_, code, current->body.value("current", Json()),
                           [this, shared, lang](std::vector<portal::SubscriberState> states) {
                             HttpResponse r = net::JsonResponse(portal::PropagationJson(states, lang));
                             r.headers.Set("Cache-Control", "no-store");
                             portal::SetSecurityHeaders(r, sign_in_->auth_url());
                             (*shared)(std::move(r));
                           });
  });
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddPortalRoutes(Node&, const RoleConfig&, net::Router& router) {
  auto p = std::make_shared<Portal>();
  std::weak_ptr<Portal> weak = p;
  router.Add("GET", "/", Bind(weak, &Portal::Home));
  router.Add("GET", "/login", Bind(weak, &Portal::Login));
  router.AddAsync("GET", "/callback", Bind(weak, &Portal::Callback));
  AddSignOutRoutes(router, weak);
  router.Add("GET", "/lang", Bind(weak, &Portal::Language));
  router.Add("GET", "/static/{name}", Bind(weak, &Portal::Asset));
  router.AddAsync("GET", "/data", Bind(weak, &Portal::MyData));
  router.AddAsync("GET", "/address", Bind(weak, &Portal::Address));
  router.AddAsync("POST", "/address", Bind(weak, &Portal::ChangeAddress), "application/x-www-form-urlencoded");
  router.AddAsync("GET", "/address/status", Bind(weak, &Portal::AddressStatus));
  router.AddAsync("GET", "/tax", Bind(weak, &Portal::TaxReturn));
  router.AddAsync("POST", "/tax/sign", Bind(weak, &Portal::SignTaxReturn), "application/x-www-form-urlencoded");
  router.AddAsync("GET", "/tax/signing", Bind(weak, &Portal::TaxSigningStatus));
  router.AddAsync("GET", "/tracker", Bind(weak, &Portal::Trackers));
  router.AddAsync("GET", "/companies", Bind(weak, &Portal::Companies));
  router.AddAsync("GET", "/tracker/{name}", Bind(weak, &Portal::TrackerListing));
  return std::shared_ptr<RoleService>(p);
}

}  // namespace riik::node
