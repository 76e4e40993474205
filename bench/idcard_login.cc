// The ID-card sign-in of the benchmarks (idcard_login.h).
#include "idcard_login.h"

#include <nlohmann/json.hpp>

#include "auth/webeid.h"
#include "core/json.h"

namespace riik::bench {
namespace {

std::string Between(const std::string& s, const std::string& before, const std::string& after) {
  size_t a = s.find(before);
  if (a == std::string::npos) return "";
  a += before.size();
  return s.substr(a, s.find(after, a) - a);
}

}  // namespace

std::string FirstCookie(const net::HttpResponse& r) {
  for (const auto& [name, value] : r.headers.fields()) {
    if (name == "Set-Cookie" || name == "set-cookie") return value.substr(0, value.find(';'));
  }
  return "";
}

Result<IdCardLogin> PrepareIdCardLogin(net::HttpClient& http, const std::string& auth_url,
                                       const std::string& authorize_target, EVP_PKEY* key, X509* cert) {
  ASSIGN_OR_RETURN(auto authorize, http.Get(authorize_target));
  std::string location(authorize.headers.Get("Location"));
  if (authorize.status != 303 || location.find("/login/") == std::string::npos) {
    return Unavailable("/authorize answered " + std::to_string(authorize.status) + " " + authorize.body.substr(0, 200));
  }
  IdCardLogin p;
  p.cookie = FirstCookie(authorize);
  p.request = location.substr(location.find("/login/") + 7);
  net::Headers h;
  h.Add("Cookie", p.cookie);
  ASSIGN_OR_RETURN(auto page, http.Send("GET", "/login/" + p.request, h));
  p.csrf = Between(page.body, "data-csrf=\"", "\"");
  h.Add("X-CSRF-Token", p.csrf);
  ASSIGN_OR_RETURN(auto challenge, http.Send("POST", "/login/" + p.request + "/idcard/challenge", h));
  ASSIGN_OR_RETURN(Json nonce, ParseJson(challenge.body));
  ASSIGN_OR_RETURN(p.token, auth::MakeWebEidToken(key, cert, auth_url, nonce.value("nonce", "")));
  return p;
}

Result<std::string> PostIdCardToken(net::HttpClient& http, const IdCardLogin& login) {
  net::Headers h;
  h.Add("Cookie", login.cookie);
  h.Add("X-CSRF-Token", login.csrf);
  h.Add("Content-Type", "application/json");
  ASSIGN_OR_RETURN(auto answer, http.Send("POST", "/login/" + login.request + "/idcard", h, login.token));
  if (answer.status != 200) return Unavailable("the token was refused: " + answer.body.substr(0, 300));
  std::string redirect = Between(answer.body, "\"redirect\":\"", "\"");
  if (redirect.empty()) return Unavailable("no redirect after the token: " + answer.body.substr(0, 300));
  return redirect;
}

}  // namespace riik::bench
