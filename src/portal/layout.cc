// The portal's page frame and headers (layout.h).
#include "portal/layout.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "portal/phrases.h"

namespace riik::portal {
namespace {

std::string Navigation(const PageContext& c) {
  std::string items;
  for (const Section& item : Sections()) {
    bool here = c.path == item.path;
    items += fmt::format("<li><a href=\"{}\"{}>{}</a></li>", item.path, here ? " aria-current=\"page\"" : "",
                         HtmlEscape(Tr(item.title, c.lang)));
  }
  return fmt::format("<nav aria-label=\"{}\"><ul>{}</ul></nav>\n", HtmlEscape(Tr("nav_label", c.lang)), items);
}

std::string Header(const PageContext& c) {
  std::string other = c.lang == "et" ? "en" : "et";
  std::string language =
      fmt::format("<a class=\"lang\" id=\"lang\" href=\"/lang?to={}&amp;back={}\" lang=\"{}\">{}</a>", other,
                  HtmlEscape(net::PercentEncode(c.path)), other, HtmlEscape(Tr("switch", c.lang)));
  std::string person;
  if (!c.name.empty()) {
    person = fmt::format(
        "<p class=\"who\" id=\"who\">{}</p>"
        "<form method=\"post\" action=\"/logout\">{}<button type=\"submit\" class=\"secondary\" id=\"sign-out\">{}"
        "</button></form>",
        HtmlEscape(c.company.empty() ? fmt::format(fmt::runtime(Tr("signed_in_as", c.lang)), c.name)
                                     : fmt::format(fmt::runtime(Tr("signed_in_for", c.lang)), c.name, c.company)),
        CsrfField(c.csrf), HtmlEscape(Tr("sign_out", c.lang)));
  }
  return fmt::format(
      "<header>\n<p class=\"brand\"><a href=\"/\">{}</a></p>\n<div class=\"tools\">{}{}</div>\n</header>\n",
      HtmlEscape(Tr("brand", c.lang)), language, person);
}

}  // namespace

std::span<const Section> Sections() {
  static constexpr Section kSections[] = {{"/", "nav_home", nullptr},
                                          {"/data", "nav_data", "tile_data"},
                                          {"/address", "nav_address", "tile_address"},
                                          {"/tax", "nav_tax", "tile_tax"},
                                          {"/tracker", "nav_tracker", "tile_tracker"},
                                          {"/documents", "nav_documents", "tile_documents"},
                                          {"/companies", "nav_companies", "tile_companies"},
                                          {"/vote", "nav_vote", "tile_vote"}};
  return kSections;
}

void SetSecurityHeaders(net::HttpResponse& response, std::string_view auth_url) {
  // Sign-out's form is answered with a redirect to the sign-in service: form-action
  // names it, or the browser stops there.
  response.headers.Set("Content-Security-Policy",
                       fmt::format("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                   "connect-src 'self'; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'",
                                   auth_url));
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Referrer-Policy", "no-referrer");
  response.headers.Set("X-Frame-Options", "DENY");
  response.headers.Set("Cross-Origin-Opener-Policy", "same-origin");
}

net::HttpResponse PortalPage(const PageContext& c, std::string_view title, std::string_view body, int status) {
  std::string nav = c.name.empty() ? "" : Navigation(c);
  net::HttpResponse r = net::TextResponse(
      fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>{} – {}</title>\n<link rel=\"stylesheet\" href=\"/static/portal.css\">\n"
                  "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
                  "{}<script src=\"/static/portal.js\" defer></script>\n</head>\n<body>\n"
                  "<a class=\"skip\" href=\"#main\">{}</a>\n{}{}<main id=\"main\">\n<h1>{}</h1>\n{}</main>\n"
                  "<footer><p>{}</p></footer>\n</body>\n</html>\n",
                  c.lang, HtmlEscape(title), HtmlEscape(Tr("brand", c.lang)),
                  std::string(c.chart ? "<link rel=\"stylesheet\" href=\"/static/uPlot.min.css\">\n"
                                        "<script src=\"/static/uPlot.iife.min.js\" defer></script>\n"
                                      : "") +
                      (c.ballot ? "<script src=\"/static/ballot.js\" defer></script>\n" : ""),
                  HtmlEscape(Tr("skip", c.lang)), Header(c), nav, HtmlEscape(title), body,
                  HtmlEscape(Tr("footer", c.lang))),
      "text/html; charset=utf-8");
  r.status = status;
  r.headers.Set("Cache-Control", "no-store");
  SetSecurityHeaders(r, c.auth_url);
  return r;
}

std::string ErrorBox(std::string_view text, std::string_view id) {
  std::string attr = id.empty() ? "" : fmt::format(" id=\"{}\"", HtmlEscape(id));
  return fmt::format("<div class=\"error\" role=\"alert\"{}><p>{}</p></div>\n", attr, HtmlEscape(text));
}

std::string CsrfField(std::string_view csrf) {
  return fmt::format("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", HtmlEscape(csrf));
}

std::string LocalPath(std::string_view back) {
  if (!back.starts_with('/') || back.starts_with("//") || back.find('\\') != std::string_view::npos) return "/";
  for (char ch : back) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return "/";
  }
  return std::string(back);
}

}  // namespace riik::portal
