// The demo backend's handlers.
#include "node/roles/demo_backend_role.h"

#include <nlohmann/json.hpp>

#include "identity/demo_people.h"

namespace riik::node {
namespace {

net::HttpResponse Echo(const net::HttpRequest& req) {
  Json headers = Json::object();
  for (const char* h : {"X-Road-Client", "X-Road-Service", "X-Road-Id", "X-Road-UserId", "X-Road-Issue",
                        "X-Road-Represented-Party"}) {
    std::string_view v = req.headers.Get(h);
    if (!v.empty()) headers[h] = std::string(v);
  }
  return net::JsonResponse({{"method", req.method},
                            {"path", req.path},
                            {"query", req.query},
                            {"x_road_headers", headers},
                            {"body_bytes", req.body.size()}});
}

}  // namespace

void AddDemoBackendRoutes(net::Router& router) {
  router.Add("GET", "/person/{code}", [](const net::HttpRequest& req) {
    auto code = identity::PersonalCode::Parse(req.Param("code"));
    if (!code.ok()) return net::ErrorResponse(code.status());
    for (const auto& p : identity::kDemoPeople) {
      auto demo = identity::PersonalCode::Make(p.sex, p.year, p.month, p.day, p.serial);
      if (demo.ok() && demo->code == code->code) {
        char birth[11];
        std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", code->year, code->month, code->day);
        return net::JsonResponse({{"code", code->code},
                                  {"given_name", p.given},
                                  {"surname", p.surname},
                                  {"birth_date", birth},
                                  {"sex", code->sex == identity::Sex::kMale ? "male" : "female"}});
      }
    }
    return net::JsonError(404, "not_found", "no person " + code->code + " in the demo register");
  });
  router.Add("GET", "/echo", Echo);
  router.Add("POST", "/echo", Echo);
}

}  // namespace riik::node
