// The portal's pages that read and change the registries through the exchange: my data,
// my address, my companies, who used my data (portal.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "auth/mandates.h"
#include "core/encoding.h"
#include "node/roles/portal/portal.h"
#include "portal/companies.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "portal/tracker_view.h"

namespace riik::node {

using net::HttpRequest;
using net::HttpResponse;
using portal::OwnRequest;
using portal::Tr;

void PortalService::MyData(HttpRequest&& req, net::Responder respond) {
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

void PortalService::WithCurrentAddress(const Person& p, std::function<void(Result<registry::ExchangeAnswer>)> then) {
  exchange_->GetAsync(portal::AddressServiceId(), "/" + p.code, OwnRequest(p.code), std::move(then));
}

void PortalService::Address(HttpRequest&& req, net::Responder respond) {
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

void PortalService::ChangeAddress(HttpRequest&& req, net::Responder respond) {
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

void PortalService::AddressStatus(HttpRequest&& req, net::Responder respond) {
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

// --- My companies ---

void PortalService::Companies(HttpRequest&& req, net::Responder respond) {
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

void PortalService::Trackers(HttpRequest&& req, net::Responder respond) {
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
void PortalService::TrackerListing(HttpRequest&& req, net::Responder respond) {
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
                        if (!listing.ok()) {
                          if (listing.status().code() != Code::kResourceExhausted) {
                            return (*shared)(net::ErrorResponse(listing.status()));
                          }
                          return (*shared)(net::Busy("the registry is busy; try again shortly"));
                        }
                        HttpResponse r = net::TextResponse(std::move(listing->bytes), "application/json");
                        r.headers.Set("Content-Disposition", "attachment; filename=\"" + file + "\"");
                        r.headers.Set("Cache-Control", "no-store");
                        portal::SetSecurityHeaders(r, sign_in_->auth_url());
                        (*shared)(std::move(r));
                      });
}

}  // namespace riik::node
