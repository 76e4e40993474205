// Fuzzes what riik parses of an HTTP request itself (Beast parses the framing): the
// target's path and query, percent-decoding, routing with captures, and URLs. The input
// is a method on the first line and the target after it. Verdicts: the router answers
// every request synchronously with 200, 404, 405 or 415, and with 200 exactly when a
// route's pattern matches (the segments compared here on their own, a capture holding
// its segment percent-decoded); percent-encoding round-trips any bytes; a URL that
// parses has a host and a target starting with '/'.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/router.h"
#include "net/url.h"

namespace {

using riik::net::HttpRequest;

const riik::net::Router& TestRouter() {
  static riik::net::Router* r = [] {
    auto* router = new riik::net::Router();
    // Each capture framed, so the body shows what each held.
    auto echo = [](const HttpRequest& req) {
      return riik::net::TextResponse("a=" + std::string(req.Param("a")) + "|b=" + std::string(req.Param("b")) + "|");
    };
    router->Add("GET", "/v1/stores/{a}/journal", echo);
    router->Add("GET", "/r1/{a}/GOV/{b}", echo);
    router->Add("POST", "/v1/x", echo, "application/json");
    return router;
  }();
  return *r;
}

// The path's non-empty segments, as the router splits it.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = std::min(path.find('/', i), path.size());
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// What the router must answer: the body of the matching route, or the status it refuses with.
struct Expected {
  int status = 404;
  std::string body;
};

Expected Oracle(const HttpRequest& req) {
  const auto s = Segments(req.path);
  auto body = [](std::string_view a, std::string_view b) {
    return "a=" + riik::net::PercentDecode(a) + "|b=" + riik::net::PercentDecode(b) + "|";
  };
  if (s.size() == 4 && s[0] == "v1" && s[1] == "stores" && s[3] == "journal") {
    return req.method == "GET" ? Expected{200, body(s[2], "")} : Expected{405, ""};
  }
  if (s.size() == 4 && s[0] == "r1" && s[2] == "GOV") {
    return req.method == "GET" ? Expected{200, body(s[1], s[3])} : Expected{405, ""};
  }
  if (s.size() == 2 && s[0] == "v1" && s[1] == "x") {
    if (req.method != "POST") return {405, ""};
    return riik::net::HasMediaType(req, "application/json") ? Expected{200, body("", "")} : Expected{415, ""};
  }
  return {404, ""};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  HttpRequest req;
  req.method = nl == std::string_view::npos ? "GET" : std::string(text.substr(0, std::min<size_t>(nl, 8)));
  req.target = std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.headers.Add("Content-Type", req.query);

  const Expected expected = Oracle(req);
  auto answer = TestRouter().TryHandleNow(req);
  if (!answer || static_cast<int>(answer->status) != expected.status) std::abort();
  if (expected.status == 200 && answer->body != expected.body) std::abort();

  (void)req.QueryParam("q");
  if (riik::net::PercentDecode(riik::net::PercentEncode(text)) != text) std::abort();
  if (auto url = riik::net::ParseUrl(req.target); url.ok()) {
    if (url->host.empty() || url->target.empty() || url->target[0] != '/') std::abort();
  }
  return 0;
}
