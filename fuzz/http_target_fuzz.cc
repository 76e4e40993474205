// Fuzzes what riik parses of an HTTP request itself (Beast parses the framing): the
// target's path and query, percent-decoding, routing with captures, and URLs.
#include <cstdint>
#include <string>
#include <string_view>

#include "net/router.h"
#include "net/url.h"

namespace {

const riik::net::Router& TestRouter() {
  static riik::net::Router* r = [] {
    auto* router = new riik::net::Router();
    auto echo = [](const riik::net::HttpRequest& req) {
      return riik::net::TextResponse(std::string(req.Param("a")) + std::string(req.Param("b")) + req.QueryParam("q"));
    };
    router->Add("GET", "/v1/stores/{a}/journal", echo);
    router->Add("GET", "/r1/{a}/GOV/{b}", echo);
    router->Add("POST", "/v1/x", echo, "application/json");
    return router;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  riik::net::HttpRequest req;
  req.method = nl == std::string_view::npos ? "GET" : std::string(text.substr(0, std::min<size_t>(nl, 8)));
  req.target = std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.headers.Add("Content-Type", req.query);
  (void)TestRouter().TryHandleNow(req);
  (void)req.QueryParam("q");
  (void)riik::net::PercentDecode(req.target);
  (void)riik::net::ParseUrl(req.target);
  return 0;
}
