// The portal's pages where the person signs in their app: the tax return and the
// documents (portal.h). A signing is the signatures service's remote signing through
// the exchange; the page polls it (portal.js), each poll advancing it by a step.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "net/multipart.h"
#include "node/roles/portal/portal.h"
#include "portal/documents_page.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "portal/tax_return.h"

namespace riik::node {

using net::HttpRequest;
using net::HttpResponse;
using portal::OwnRequest;
using portal::Tr;

namespace {

constexpr const char* kAsicMediaType = "application/vnd.etsi.asic-e+zip";

}  // namespace

// --- Signing in the app ---

void PortalService::StartSigning(const std::string& code, const std::string& subject, std::string container,
                                 const std::string& description, Signing signing, std::function<void(Status)> done) {
  exchange_->SendAsync("POST", portal::kRemoteSigningService, "?description=" + net::PercentEncode(description),
                       std::move(container), kAsicMediaType, OwnRequest(code),
                       [this, code, subject, signing, done](Result<registry::ExchangeAnswer> started) mutable {
                         std::string session = started.ok() ? StringOr(started->body, "session") : "";
                         if (session.empty()) {
                           signings_.EndClaim(code, subject);
                           spdlog::warn("portal: remote signing did not start: {}",
                                        started.ok() ? "no session" : CodeName(started.status().code()));
                           if (!started.ok() && started.status().code() == Code::kFailedPrecondition) {
                             return done(FailedPrecondition("the person has signings waiting in their app"));
                           }
                           return done(Unavailable("the signatures service could not be asked"));
                         }
                         signing.session = session;
                         signing.shown = {StringOr(started->body, "state"), "", ""};
                         signing.started = std::chrono::steady_clock::now();
                         if (!signings_.Set(code, subject, std::move(signing))) {
                           return done(ResourceExhausted("too many signings are under way"));
                         }
                         done(OkStatus());
                       });
}

PortalService::StartRefused PortalService::StartRefusal(const Status& started) {
  if (started.code() == Code::kFailedPrecondition) return {"sign_waiting", 409};
  return {"sign_unavailable", 502};
}

void PortalService::PollSigning(const std::string& code, const std::string& subject, const std::string& lang,
                                const std::string& finishing_state, net::Responder respond, Finish finish) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::optional<Signing> signing = signings_.Find(code, subject);
  if (!signing) return (*shared)(JsonAnswer(portal::SigningJson({"none", "", ""}, lang)));
  if ((signing->shown.state == finishing_state && !signing->finish_again) ||
      portal::SigningEnded(signing->shown.state)) {
    return (*shared)(JsonAnswer(portal::SigningJson(signing->shown, lang)));
  }
  exchange_->GetAsync(portal::kRemoteSigningService, "/" + signing->session, OwnRequest(code),
                      [this, shared, lang, code, subject, finishing_state, finish,
                       s = *signing](Result<registry::ExchangeAnswer> polled) mutable {
                        // Any failure, a 404 too, is asked about again at the next poll: the exchange answers
                        // 404 for its own reasons as well (a service it cannot find just now), and a
                        // signing ended on that while alive in the person's app would be signed there and
                        // never collected. One the signatures service no longer holds ends with its life here.
                        if (!polled.ok()) return (*shared)(JsonAnswer(portal::SigningJson(s.shown, lang)));
                        portal::SigningView seen{StringOr(polled->body, "state", s.shown.state),
                                                 StringOr(polled->body, "verification_code", s.shown.verification_code),
                                                 StringOr(polled->body, "message")};
                        // Compare and set: only the poll that moves the signing on from where it stood
                        // (the same session, not finishing or finished) writes; the others answer with
                        // what is stored. So a signed container is taken and finished exactly once
                        // at a time (again only after a finish said kTryAgain).
                        bool finishing = false;
                        portal::SigningView now;
                        signings_.Update(code, subject, s.session, [&](Signing& stored) {
                          if ((stored.shown.state == finishing_state && !stored.finish_again) ||
                              portal::SigningEnded(stored.shown.state)) {
                            now = stored.shown;
                            return false;
                          }
                          stored.finish_again = false;
                          stored.shown = seen;
                          if (seen.state == "signed") {
                            stored.shown.state = finishing_state;
                            finishing = true;
                            s.finish_tries = stored.finish_tries;
                          }
                          now = stored.shown;
                          return true;
                        });
                        if (!finishing)
                          return (*shared)(JsonAnswer(portal::SigningJson(now.state.empty() ? seen : now, lang)));
                        s.shown = now;
                        End end = [this, code, subject, s, shared, lang](std::string ended, std::string message) {
                          portal::SigningView last = s.shown;
                          if (ended == kTryAgain) {  // shown as still finishing; finished again at the next poll
                            signings_.Update(code, subject, s.session, [&](Signing& stored) {
                              stored.finish_again = true;
                              ++stored.finish_tries;
                              return true;
                            });
                            return (*shared)(JsonAnswer(portal::SigningJson(last, lang)));
                          }
                          last.state = std::move(ended);
                          last.message = std::move(message);
                          signings_.Update(code, subject, s.session, [&](Signing& stored) {
                            stored.shown = last;
                            return true;
                          });
                          (*shared)(JsonAnswer(portal::SigningJson(last, lang)));
                        };
                        exchange_->SendAsync("GET", portal::kRemoteSigningService, "/" + s.session + "/container", "",
                                             "", OwnRequest(code),
                                             [s, finish, end, lang](Result<registry::ExchangeAnswer> container) {
                                               if (!container.ok() || container->bytes.empty()) {
                                                 return end("refused", Tr("sign_unavailable", lang));
                                               }
                                               finish(s, std::move(container->bytes), end);
                                             });
                      });
}

// --- Tax return ---

void PortalService::WithTaxReturn(const std::string& code, ReturnThen then) {
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

void PortalService::TaxReturn(HttpRequest&& req, net::Responder respond) {
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
    std::optional<Signing> signing = signings_.Find(code, "tax");
    const portal::SigningView* shown =
        signing && signing->year == year && !portal::SigningEnded(signing->shown.state) ? &signing->shown : nullptr;
    std::string note =
        signing && signing->shown.state == "refused"
            ? portal::ErrorBox(fmt::format(fmt::runtime(Tr("signing_refused", c.lang)), signing->shown.message))
            : "";
    (*shared)(Page(c, title, note + portal::TaxReturnBody(doc->body, shown, c.csrf, c.lang)));
  });
}

void PortalService::SignTaxReturn(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/tax"));
  portal::PageContext c = Context(req, "/tax", &*person);
  if (!SessionForm(req, *person).ok()) {
    return respond(Page(c, Tr("nav_tax", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  }
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string code = person->code;
  auto failed = [this, shared, c](const char* key, int status = 502) {
    (*shared)(Page(
        c, Tr("nav_tax", c.lang),
        portal::ErrorBox(Tr(key, c.lang)) + "<p><a href=\"/tax\">" + HtmlEscape(Tr("try_again", c.lang)) + "</a></p>\n",
        status));
  };
  WithTaxReturn(code, [this, shared, code, failed, lang = c.lang](int64_t year, Result<registry::ExchangeAnswer> doc) {
    if (!doc.ok()) return failed("tax_unavailable");
    if (StringOr(doc->body, "status") != "draft") return (*shared)(net::SeeOther("/tax"));  // submitted already
    Result<bool> claimed = signings_.Claim(
        code, "tax", [year](const Signing& under_way) { return under_way.year == year; },
        [shared] { (*shared)(net::SeeOther("/tax")); });
    if (!claimed.ok()) {
      const StartRefused why = StartRefusal(claimed.status());
      return failed(why.phrase, why.status);
    }
    if (!*claimed) return;
    auto container = portal::ReturnContainer(doc->bytes, year);
    if (!container.ok()) {
      signings_.EndClaim(code, "tax");
      return failed("tax_unavailable");
    }
    Signing signing;
    signing.year = year;
    StartSigning(code, "tax", std::move(*container), Tr("sign_app_description", lang), signing,
                 [shared, failed](Status started) {
                   if (!started.ok()) {
                     const StartRefused why = StartRefusal(started);
                     return failed(why.phrase, why.status);
                   }
                   (*shared)(net::SeeOther("/tax"));
                 });
  });
}

void PortalService::TaxSigningStatus(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  if (!SameToken(req.headers.Get("X-CSRF-Token"), person->session.csrf)) {
    return respond(net::JsonError(403, "csrf", "the poll is not from this session's page"));
  }
  std::string code = person->code, lang = Lang(req);
  // Signed: the container goes to the tax board, which takes it only through the
  // validation service.
  PollSigning(code, "tax", lang, "submitting", std::move(respond),
              [this, code, lang](const Signing& s, std::string container, End end) {
                exchange_->SendAsync(
                    "POST", portal::TaxReturnServiceId(), "/" + code + "/" + std::to_string(s.year) + "/submit",
                    std::move(container), kAsicMediaType, OwnRequest(code),
                    [end, lang](Result<registry::ExchangeAnswer> submitted) {
                      if (submitted.ok()) return end("submitted", "");
                      spdlog::warn("portal: a signed return was not accepted: {}", CodeName(submitted.status().code()));
                      end("refused", fmt::format(fmt::runtime(Tr("submit_refused", lang)),
                                                 registry::ProviderMessage(submitted.status())));
                    });
              });
}

// --- Documents ---

void PortalService::ShowDocuments(const portal::PageContext& c, const Person& person, std::string error, int status,
                                  net::Responder respond) {
  using Lists = Result<std::pair<std::vector<portal::Document>, std::vector<portal::Document>>>;
  std::string code = person.code;
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  Blocking<Lists>(
      [this, code]() -> Lists {
        ASSIGN_OR_RETURN(auto owned, documents_->Owned(code));
        ASSIGN_OR_RETURN(auto asked, documents_->AskedToSign(code));
        return std::make_pair(std::move(owned), std::move(asked));
      },
      [this, shared, c, code, error, status](Lists lists) {
        if (!lists.ok()) {
          spdlog::error("portal: the documents could not be read: {}", CodeName(lists.status().code()));
          return (*shared)(Page(c, Tr("nav_documents", c.lang), portal::ErrorBox(Tr("doc_store_failed", c.lang)), 500));
        }
        (*shared)(Page(c, Tr("nav_documents", c.lang),
                       portal::DocumentsBody(lists->first, lists->second, code, error, c.csrf, c.lang), status));
      });
}

void PortalService::Documents(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/documents"));
  ShowDocuments(Context(req, "/documents", &*person), *person, "", 200, std::move(respond));
}

void PortalService::Upload(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/documents"));
  portal::PageContext c = Context(req, "/documents", &*person);
  auto parts = net::ParseMultipart(req.headers.Get("Content-Type"), req.body);
  std::string csrf, name, content;
  if (parts.ok()) {
    for (auto& p : *parts) {
      if (p.name == "csrf") csrf = p.content;
      if (p.name == "file") {
        name = p.filename;
        content = std::move(p.content);
      }
    }
  }
  if (!SameToken(csrf, person->session.csrf)) {
    return respond(Page(c, Tr("nav_documents", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  }
  if (!parts.ok() || name.empty()) {
    return ShowDocuments(c, *person, parts.ok() ? "no file was sent" : parts.status().message(), 400,
                         std::move(respond));
  }
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string code = person->code;
  Blocking<Result<std::string>>(
      [this, code, name, content = std::move(content)] { return documents_->Add(code, name, content); },
      [this, shared, c, person = *person](Result<std::string> id) {
        if (!id.ok()) return ShowDocuments(c, person, id.status().message(), 400, std::move(*shared));
        (*shared)(net::SeeOther("/documents/" + *id));
      });
}

void PortalService::WithDocument(const std::string& id, const std::string& viewer,
                                 std::function<void(Result<portal::Document>)> then) {
  Blocking<Result<portal::Document>>([this, id, viewer] { return documents_->Get(id, viewer); }, std::move(then));
}

void PortalService::ShowOneDocument(const portal::PageContext& c, const Person& person, const std::string& id,
                                    riik::Json validation, std::string note, std::string error, int status,
                                    net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  WithDocument(
      id, person.code, [this, shared, c, person, id, validation, note, error, status](Result<portal::Document> doc) {
        if (!doc.ok()) {
          return (*shared)(Page(c, Tr("nav_documents", c.lang), portal::ErrorBox(Tr("document_missing", c.lang)), 404));
        }
        std::optional<Signing> signing = signings_.Find(person.code, "doc:" + id);
        bool signing_this = signing && !portal::SigningEnded(signing->shown.state);
        portal::DocumentPage page{*doc,  person.code, signing_this ? &signing->shown : nullptr, validation, note,
                                  error, c.csrf};
        if (signing && signing->shown.state == "refused" && page.error.empty()) {
          page.error = fmt::format(fmt::runtime(Tr("signing_refused", c.lang)), signing->shown.message);
        }
        (*shared)(Page(c, doc->name, portal::DocumentBody(page, c.lang), status));
      });
}

void PortalService::ShowDocument(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/documents"));
  std::string id(req.Param("id"));
  ShowOneDocument(Context(req, "/documents", &*person), *person, id, riik::Json(), "", "", 200, std::move(respond));
}

void PortalService::WithFormDocument(HttpRequest&& req, net::Responder respond, DocumentThen then) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/documents"));
  portal::PageContext c = Context(req, "/documents", &*person);
  if (!SessionForm(req, *person).ok()) {
    return respond(Page(c, Tr("nav_documents", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  }
  std::string id(req.Param("id"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  WithDocument(id, person->code, [this, shared, c, person = *person, id, then](Result<portal::Document> doc) {
    if (!doc.ok()) return ShowOneDocument(c, person, id, riik::Json(), "", "", 404, std::move(*shared));
    then(c, person, std::move(*doc), shared);
  });
}

void PortalService::SignDocument(HttpRequest&& req, net::Responder respond) {
  WithFormDocument(std::move(req), std::move(respond),
                   [this](const portal::PageContext& c, const Person& person, portal::Document doc,
                          std::shared_ptr<net::Responder> shared) {
                     Result<bool> claimed = signings_.Claim(
                         person.code, "doc:" + doc.id, [](const Signing&) { return true; },
                         [shared, id = doc.id] { (*shared)(net::SeeOther("/documents/" + id)); });
                     if (!claimed.ok()) {
                       const StartRefused why = StartRefusal(claimed.status());
                       return ShowOneDocument(c, person, doc.id, riik::Json(), "", Tr(why.phrase, c.lang), why.status,
                                              std::move(*shared));
                     }
                     if (!*claimed) return;
                     Signing signing;
                     signing.signed_from = doc.container_sha256;
                     std::string id = doc.id;
                     StartSigning(person.code, "doc:" + id, std::move(doc.container),
                                  Tr("sign_app_description", c.lang), signing,
                                  [this, shared, c, person, id](Status started) {
                                    if (!started.ok()) {
                                      const StartRefused why = StartRefusal(started);
                                      return ShowOneDocument(c, person, id, riik::Json(), "", Tr(why.phrase, c.lang),
                                                             why.status, std::move(*shared));
                                    }
                                    (*shared)(net::SeeOther("/documents/" + id));
                                  });
                   });
}

void PortalService::DocumentSigningStatus(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  if (!SameToken(req.headers.Get("X-CSRF-Token"), person->session.csrf)) {
    return respond(net::JsonError(403, "csrf", "the poll is not from this session's page"));
  }
  std::string id(req.Param("id")), code = person->code, lang = Lang(req);
  // Signed: the new container takes the place of the one that was signed, unless the
  // document changed meanwhile.
  PollSigning(code, "doc:" + id, lang, "saving", std::move(respond),
              [this, id, code, lang](const Signing& s, std::string container, End end) {
                Blocking<Status>(
                    [this, id, code, from = s.signed_from, container = std::move(container)] {
                      return documents_->PutSigned(id, code, from, container);
                    },
                    [end, lang](Status stored) {
                      if (stored.ok()) return end("saved", "");
                      end("refused",
                          stored.code() == Code::kFailedPrecondition ? stored.message() : Tr("doc_store_failed", lang));
                    });
              });
}

void PortalService::AskCosigner(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/documents"));
  portal::PageContext c = Context(req, "/documents", &*person);
  auto form = SessionForm(req, *person);
  if (!form.ok()) return respond(Page(c, Tr("nav_documents", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  std::string id(req.Param("id")), code = person->code;
  std::string asked = form->contains("person") ? form->at("person") : "";
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  Blocking<Status>([this, id, code, asked] { return documents_->AskToCosign(id, code, asked); },
                   [this, shared, c, person = *person, id, asked](Status st) {
                     if (st.ok()) {
                       return ShowOneDocument(c, person, id, riik::Json(),
                                              fmt::format(fmt::runtime(Tr("asked", c.lang)), asked), "", 200,
                                              std::move(*shared));
                     }
                     ShowOneDocument(c, person, id, riik::Json(), "", st.message(),
                                     st.code() == Code::kNotFound ? 404 : 400, std::move(*shared));
                   });
}

void PortalService::VerifyDocument(HttpRequest&& req, net::Responder respond) {
  WithFormDocument(std::move(req), std::move(respond),
                   [this](const portal::PageContext& c, const Person& person, portal::Document doc,
                          std::shared_ptr<net::Responder> shared) {
                     exchange_->SendAsync(
                         "POST", portal::kValidationService, "", std::move(doc.container), kAsicMediaType,
                         OwnRequest(person.code),
                         [this, shared, c, person, id = doc.id](Result<registry::ExchangeAnswer> checked) {
                           if (!checked.ok()) {
                             return ShowOneDocument(c, person, id, riik::Json(), "", Tr("sign_unavailable", c.lang),
                                                    502, std::move(*shared));
                           }
                           ShowOneDocument(c, person, id, checked->body, "", "", 200, std::move(*shared));
                         });
                   });
}

void PortalService::DownloadDocument(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  std::string id(req.Param("id"));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  WithDocument(id, person->code, [this, shared](Result<portal::Document> doc) {
    if (!doc.ok()) return (*shared)(net::JsonError(404, "not_found", "no such document"));
    HttpResponse r = net::TextResponse(std::move(doc->container), kAsicMediaType);
    // The file's name without what a header could not carry.
    std::string base;
    for (char ch : doc->name.substr(0, doc->name.rfind('.'))) {
      base += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ? ch : '_';
    }
    r.headers.Set("Content-Disposition", "attachment; filename=\"" + (base.empty() ? "document" : base) + ".asice\"");
    r.headers.Set("Cache-Control", "no-store");
    portal::SetSecurityHeaders(r, sign_in_->auth_url());
    (*shared)(std::move(r));
  });
}

}  // namespace riik::node
