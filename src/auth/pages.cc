// The sign-in pages (pages.h).
#include "auth/pages.h"

#include <fmt/format.h>

#include <map>

#include "core/encoding.h"
#include "core/phrasebook.h"

namespace riik::auth {
namespace {

// Every phrase the pages show, in both languages.
const Phrasebook& Phrases() {
  static const Phrasebook phrases = {
      {"title", {"Sign in", "Sisselogimine"}},
      {"service", {"riik sign-in service", "riik autentimisteenus"}},
      {"sign_in_to", {"Sign in to {}", "Logi sisse: {}"}},
      {"switch", {"Eesti keeles", "In English"}},
      {"idcard", {"ID-card", "ID-kaart"}},
      {"idcard_help",
       {"Put your ID-card in the reader, then choose the button. You will be asked for PIN1.",
        "Sisesta ID-kaart lugejasse ja vajuta nuppu. Sinult küsitakse PIN1."}},
      {"idcard_button", {"Sign in with ID-card", "Logi sisse ID-kaardiga"}},
      {"idcard_waiting", {"Waiting for the ID-card…", "Ootan ID-kaarti…"}},
      {"idcard_noext",
       {"The Web eID browser extension did not answer. Install it from web-eid.eu, or use the app.",
        "Web eID brauserilaiendus ei vastanud. Paigalda see aadressilt web-eid.eu või kasuta rakendust."}},
      {"idcard_failed", {"The ID-card did not sign you in.", "ID-kaardiga sisselogimine ebaõnnestus."}},
      {"app", {"App", "Rakendus"}},
      {"app_help",
       {"Type your personal code; then confirm in the riik app on your phone.",
        "Sisesta oma isikukood ja kinnita seejärel telefoni riik-rakenduses."}},
      {"personal_code", {"Personal code", "Isikukood"}},
      {"personal_code_hint", {"11 digits, e.g. 38001085718", "11 numbrit, nt 38001085718"}},
      {"continue", {"Continue", "Jätka"}},
      {"cancel", {"Cancel and return to the service", "Katkesta ja naase teenusesse"}},
      {"confirm_title", {"Confirm in your app", "Kinnita rakenduses"}},
      {"confirm_code",
       {"Check that your app shows the same verification code:", "Kontrolli, et rakendus näitab sama kontrollkoodi:"}},
      {"confirm_pin",
       {"If the codes match, enter PIN1 in the app. If they do not, cancel there.",
        "Kui koodid ühtivad, sisesta rakenduses PIN1. Kui ei ühti, katkesta seal."}},
      {"app_waiting", {"Waiting for your app…", "Ootan rakenduse kinnitust…"}},
      {"app_done", {"I have confirmed in the app", "Kinnitasin rakenduses"}},
      {"try_again", {"Try again", "Proovi uuesti"}},
      {"represent_title", {"Whom do you act for?", "Kelle nimel tegutsed?"}},
      {"represent_help",
       {"The business register names you on the board of these companies. You may act for one of them, or "
        "for yourself.",
        "Äriregistri andmetel oled nende ettevõtete juhatuse liige. Võid tegutseda ühe nimel neist või "
        "iseenda nimel."}},
      {"represent_none",
       {"The business register names you on no company's board: you act for yourself.",
        "Äriregistri andmetel ei ole sa ühegi ettevõtte juhatuse liige: tegutsed iseenda nimel."}},
      {"represent_unavailable",
       {"The business register could not be asked just now. You may continue for yourself, or try again in a "
        "moment.",
        "Äriregistrist ei saanud praegu andmeid. Võid jätkata iseenda nimel või proovida hetke pärast uuesti."}},
      {"represent_legend", {"Act for", "Tegutsen"}},
      {"myself", {"myself, {}", "iseenda nimel, {}"}},
      {"registry_code", {"registry code {}", "registrikood {}"}},
      {"error_title", {"Sign-in failed", "Sisselogimine ebaõnnestus"}},
      {"signed_out_title", {"You are signed out", "Oled välja logitud"}},
      {"signed_out",
       {"You are signed out of every service you used with this sign-in. You may close this window.",
        "Oled välja logitud kõigist teenustest, kuhu selle sisselogimisega sisenesid. Võid akna sulgeda."}},
      {"request_error",
       {"The service sent an incorrect sign-in request. Go back to the service and try again; if it "
        "happens again, tell the service.",
        "Teenus saatis vigase sisselogimispäringu. Mine teenusesse tagasi ja proovi uuesti; kui viga "
        "kordub, teata teenusele."}},
  };
  return phrases;
}

std::string T(std::string_view key, std::string_view lang) { return Translate(Phrases(), key, lang); }

// The frame of every page: language, title, the header with the language switch.
std::string Frame(std::string_view lang, std::string_view title, std::string_view switch_href, std::string_view body,
                  std::string_view data_attributes = "") {
  std::string other = lang == "et" ? "en" : "et";
  std::string sw = switch_href.empty()
                       ? ""
                       : fmt::format("<a class=\"lang\" href=\"{}lang={}\" lang=\"{}\">{}</a>", HtmlEscape(switch_href),
                                     other, other, HtmlEscape(T("switch", lang)));
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} – {}</title>\n<link rel=\"stylesheet\" href=\"/static/signin.css\">\n"
      "<script src=\"/static/signin.js\" defer></script>\n</head>\n"
      "<body{}>\n<header><p class=\"brand\">{}</p>{}</header>\n<main id=\"main\">\n{}</main>\n</body>\n</html>\n",
      lang, HtmlEscape(title), HtmlEscape(T("service", lang)), data_attributes, HtmlEscape(T("service", lang)), sw,
      body);
}

std::string CancelForm(const LoginPageData& d) {
  return fmt::format(
      "<form method=\"post\" action=\"/login/{}/cancel\" class=\"cancel\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<button type=\"submit\" class=\"secondary\">{}</button></form>\n",
      HtmlEscape(d.request_id), HtmlEscape(d.csrf), HtmlEscape(T("cancel", d.lang)));
}

std::string ErrorBox(std::string_view message) {
  if (message.empty()) return "";
  return fmt::format("<div class=\"error\" role=\"alert\"><p>{}</p></div>\n", HtmlEscape(message));
}

std::string AppWaiting(const LoginPageData& d) {
  std::string body = fmt::format(
      "<h1>{}</h1>\n<p>{}</p>\n<p class=\"code\" id=\"verification-code\">{}</p>\n<p>{}</p>\n"
      "<p id=\"app-status\" role=\"status\" aria-live=\"polite\" data-waiting=\"1\">{}</p>\n"
      "<form method=\"post\" action=\"/login/{}/app/continue\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<button type=\"submit\" id=\"app-continue\">{}</button></form>\n",
      HtmlEscape(T("confirm_title", d.lang)), HtmlEscape(T("confirm_code", d.lang)), HtmlEscape(d.verification_code),
      HtmlEscape(T("confirm_pin", d.lang)), HtmlEscape(T("app_waiting", d.lang)), HtmlEscape(d.request_id),
      HtmlEscape(d.csrf), HtmlEscape(T("app_done", d.lang)));
  return body + CancelForm(d);
}

std::string ChooseMethod(const LoginPageData& d) {
  std::string body =
      fmt::format("<h1>{}</h1>\n{}", HtmlEscape(fmt::format(fmt::runtime(T("sign_in_to", d.lang)), d.client_name)),
                  ErrorBox(d.error));
  body += fmt::format(
      "<section aria-labelledby=\"idcard-heading\">\n<h2 id=\"idcard-heading\">{}</h2>\n<p>{}</p>\n"
      "<button type=\"button\" id=\"idcard-button\">{}</button>\n"
      "<p id=\"idcard-status\" role=\"status\" aria-live=\"polite\"></p>\n</section>\n",
      HtmlEscape(T("idcard", d.lang)), HtmlEscape(T("idcard_help", d.lang)), HtmlEscape(T("idcard_button", d.lang)));
  if (d.offer_app) {
    body += fmt::format(
        "<section aria-labelledby=\"app-heading\">\n<h2 id=\"app-heading\">{}</h2>\n<p>{}</p>\n"
        "<form method=\"post\" action=\"/login/{}/app\">\n<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n"
        "<label for=\"personal_code\">{}</label>\n"
        "<input id=\"personal_code\" name=\"personal_code\" inputmode=\"numeric\" autocomplete=\"off\" "
        "pattern=\"[0-9]{{11}}\" maxlength=\"11\" required aria-describedby=\"personal_code_hint\">\n"
        "<p id=\"personal_code_hint\" class=\"hint\">{}</p>\n<button "
        "type=\"submit\">{}</button>\n</form>\n</section>\n",
        HtmlEscape(T("app", d.lang)), HtmlEscape(T("app_help", d.lang)), HtmlEscape(d.request_id), HtmlEscape(d.csrf),
        HtmlEscape(T("personal_code", d.lang)), HtmlEscape(T("personal_code_hint", d.lang)),
        HtmlEscape(T("continue", d.lang)));
  }
  return body + CancelForm(d);
}

std::string ChooseParty(const RepresentPageData& d) {
  auto say = [&](std::string_view key, const std::string& arg) {
    return HtmlEscape(fmt::format(fmt::runtime(T(key, d.lang)), arg));
  };
  std::string body = fmt::format("<h1>{}</h1>\n", HtmlEscape(T("represent_title", d.lang)));
  if (d.register_unavailable) {
    body += ErrorBox(T("represent_unavailable", d.lang));
  } else {
    body +=
        fmt::format("<p>{}</p>\n", HtmlEscape(T(d.companies.empty() ? "represent_none" : "represent_help", d.lang)));
  }
  body += fmt::format(
      "<form method=\"post\" action=\"/login/{}/represent\">\n<input type=\"hidden\" name=\"csrf\" "
      "value=\"{}\">\n<fieldset>\n<legend>{}</legend>\n"
      "<div class=\"choice\"><input type=\"radio\" name=\"party\" id=\"party-self\" value=\"\" checked>"
      "<label for=\"party-self\">{}</label></div>\n",
      HtmlEscape(d.request_id), HtmlEscape(d.csrf), HtmlEscape(T("represent_legend", d.lang)),
      say("myself", d.person_name));
  for (const LegalPerson& c : d.companies) {
    body += fmt::format(
        "<div class=\"choice\"><input type=\"radio\" name=\"party\" id=\"party-{}\" value=\"{}\">"
        "<label for=\"party-{}\">{} <span class=\"hint\">({})</span></label></div>\n",
        HtmlEscape(c.registry_code), HtmlEscape(c.registry_code), HtmlEscape(c.registry_code), HtmlEscape(c.name),
        say("registry_code", c.registry_code));
  }
  body += fmt::format("</fieldset>\n<button type=\"submit\" id=\"represent-continue\">{}</button>\n</form>\n",
                      HtmlEscape(T("continue", d.lang)));
  if (d.register_unavailable) {
    body += fmt::format("<p><a href=\"/login/{}\">{}</a></p>\n", HtmlEscape(d.request_id),
                        HtmlEscape(T("try_again", d.lang)));
  }
  LoginPageData cancel;
  cancel.request_id = d.request_id;
  cancel.csrf = d.csrf;
  cancel.lang = d.lang;
  return body + CancelForm(cancel);
}

}  // namespace

std::string LoginPage(const LoginPageData& d) {
  std::string data = fmt::format(
      " data-request=\"{}\" data-csrf=\"{}\" data-msg-waiting=\"{}\" data-msg-noext=\"{}\" data-msg-failed=\"{}\" "
      "data-msg-again=\"{}\"",
      HtmlEscape(d.request_id), HtmlEscape(d.csrf), HtmlEscape(T("idcard_waiting", d.lang)),
      HtmlEscape(T("idcard_noext", d.lang)), HtmlEscape(T("idcard_failed", d.lang)),
      HtmlEscape(T("try_again", d.lang)));
  std::string title = d.app_pending ? T("confirm_title", d.lang) : T("title", d.lang);
  return Frame(d.lang, title, "/login/" + d.request_id + "?", d.app_pending ? AppWaiting(d) : ChooseMethod(d), data);
}

std::string RepresentPage(const RepresentPageData& d) {
  return Frame(d.lang, T("represent_title", d.lang), "/login/" + d.request_id + "?", ChooseParty(d));
}

std::string ErrorPage(std::string_view lang, std::string_view message) {
  return Frame(lang, T("error_title", lang), "",
               fmt::format("<h1>{}</h1>\n{}", HtmlEscape(T("error_title", lang)), ErrorBox(message)));
}

std::string SignedOutPage(std::string_view lang) {
  return Frame(lang, T("signed_out_title", lang), "",
               fmt::format("<h1>{}</h1>\n<p>{}</p>\n", HtmlEscape(T("signed_out_title", lang)),
                           HtmlEscape(T("signed_out", lang))));
}

std::string RequestErrorMessage(std::string_view lang) { return T("request_error", lang); }

std::string RefusalMessage(Refusal refusal, std::string_view lang) {
  bool et = lang == "et";
  switch (refusal) {
    case Refusal::kMalformedToken:
      return et ? "ID-kaardi vastus oli vigane. Proovi uuesti."
                : "The answer from your ID-card was damaged. Try again.";
    case Refusal::kCertificateNotValidNow:
      return et ? "Sinu sertifikaat on aegunud või pole veel kehtiv. Uuenda dokumendi sertifikaate."
                : "Your certificate has expired or is not valid yet. Renew your document's certificates.";
    case Refusal::kWrongCertificate:
      return et ? "See sertifikaat ei sobi sisselogimiseks." : "This certificate cannot be used to sign in.";
    case Refusal::kUntrustedCertificate:
      return et ? "Seda dokumenti ei ole välja andnud riik." : "This document was not issued by the state.";
    case Refusal::kCertificateRevoked:
      return et ? "Sinu sertifikaat on peatatud või tühistatud. Pöördu dokumendi väljaandja poole."
                : "Your certificate has been suspended or revoked. Contact the issuer of your document.";
    case Refusal::kCertificateUnknown:
      return et ? "Sinu sertifikaati ei tunta. Pöördu dokumendi väljaandja poole."
                : "Your certificate is not known. Contact the issuer of your document.";
    case Refusal::kStatusUnavailable:
      return et ? "Sertifikaadi kehtivust ei saanud praegu kontrollida. Proovi mõne minuti pärast uuesti."
                : "Your certificate's status could not be checked just now. Try again in a few minutes.";
    case Refusal::kBadSignature:
      return et ? "Allkiri ei olnud õige. Proovi uuesti." : "The signature was not correct. Try again.";
    case Refusal::kInvalidPersonalCode:
      return et ? "See ei ole õige isikukood: 11 numbrit, viimane on kontrollnumber."
                : "That is not a valid personal code: 11 digits, the last one a check digit.";
    case Refusal::kChallengeUnknown:
      return et ? "Sisselogimine on juba lõppenud. Alusta teenuses uuesti."
                : "This sign-in has already ended. Start again from the service.";
    case Refusal::kChallengeExpired:
      return et ? "Sisselogimine aegus. Proovi uuesti." : "The sign-in took too long. Try again.";
    case Refusal::kPersonMismatch:
      return et ? "Rakendus vastas teise inimese nimel." : "The app answered for another person.";
    case Refusal::kUserCancel:
      return et ? "Sisselogimine katkestati." : "The sign-in was cancelled.";
    case Refusal::kTimedOut:
      return et ? "Rakendus ei vastanud õigel ajal. Proovi uuesti." : "The app did not answer in time. Try again.";
    case Refusal::kNotOnBoard:
      return et ? "Äriregistri andmetel ei ole sa selle ettevõtte juhatuse liige."
                : "The business register does not name you on that company's board.";
    case Refusal::kDeviceBinding:
      return et ? "Rakenduse seadme sidumine ei kehti. Seo seade uuesti."
                : "The app's device binding is not valid. Bind the device again.";
    case Refusal::kLevelTooLow:
      return et ? "See teenus nõuab sisselogimist ID-kaardiga." : "This service asks you to sign in with your ID card.";
    case Refusal::kBrowserChanged:
      return et ? "Selles brauseris alustati või lõpetati sisselogimine teises aknas. Laadi leht uuesti; kui see "
                  "teade kordub, alusta teenuses uuesti."
                : "This browser started or finished a sign-in in another tab or window. Reload this page; if this "
                  "comes back, start again from the service.";
    case Refusal::kStartedTooOften:
      return et ? "Rakendus on sellel lehel käivitatud liiga mitu korda. Alusta teenuses uuesti."
                : "The app was started too many times on this page. Start again from the service.";
    case Refusal::kBusy:
      return et ? "Sisselogimisteenus on praegu hõivatud. Proovi minuti pärast uuesti."
                : "The sign-in service is busy just now. Try again in a minute.";
    case Refusal::kInternal:
      break;
  }
  return et ? "Midagi läks valesti. Proovi uuesti." : "Something went wrong on our side. Try again.";
}

}  // namespace riik::auth
