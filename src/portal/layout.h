// The frame of every portal page: the language, a skip link, the header with the
// person signed in, the language switch and sign-out, the navigation, and the security
// headers (a Content-Security-Policy that allows only the portal's own script, style
// sheet and forms, no framing, no referrer, no caching of personal pages).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "net/http.h"

namespace riik::portal {

struct PageContext {
  std::string lang = "en";  // "en" or "et"
  std::string path = "/";   // this page, where the language switch comes back to
  std::string auth_url;     // the sign-in service: sign-out's form ends up there
  std::string name;         // the person signed in ("" when no one is)
  std::string company;      // the company they act for ("" when none)
  std::string csrf;         // their session's form token
  bool chart = false;       // the page draws a chart (the bundled uPlot)
  bool ballot = false;      // the page encrypts a ballot (the bundled ballot.js)
};

// The portal's pages, in the navigation's order: their path, title's phrase key and,
// for the home page's tiles, their description's (null for the home page itself).
struct Section {
  const char* path;
  const char* title;
  const char* tile;
};
std::span<const Section> Sections();

// `title` and `body` in the context's language; `body` is HTML the caller escaped.
net::HttpResponse PortalPage(const PageContext& context, std::string_view title, std::string_view body,
                             int status = 200);

// The headers every answer of the portal carries (PortalPage's, the assets', JSON's).
void SetSecurityHeaders(net::HttpResponse& response, std::string_view auth_url);

// A message saying what went wrong (role alert), `text` escaped here; `id` if not empty.
std::string ErrorBox(std::string_view text, std::string_view id = "");

// A hidden field with the session's form token, for every form that changes something.
std::string CsrfField(std::string_view csrf);

// `back` if it is a path of this site ("/…", not "//…"), else "/": where a redirect may
// go on a visitor's say-so.
std::string LocalPath(std::string_view back);

}  // namespace riik::portal
