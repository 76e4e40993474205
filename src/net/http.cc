// HTTP message helpers and JSON error bodies.
#include "net/http.h"

#include <strings.h>

#include <nlohmann/json.hpp>

namespace riik::net {

void Headers::Set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return strcasecmp(f.first.c_str(), name.c_str()) == 0; });
  Add(std::move(name), std::move(value));
}

std::string_view Headers::Get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  }
  return {};
}

bool Headers::Has(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return true;
  }
  return false;
}

std::string_view HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

std::string HttpRequest::QueryParam(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return "";
}

std::string HttpRequest::Cookie(std::string_view name) const {
  std::string_view header = headers.Get("Cookie");
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return "";
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseForm(std::string_view encoded, size_t max_fields) {
  std::map<std::string, std::string> out;
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    if (out.size() >= max_fields) return InvalidArgument("the form has over " + std::to_string(max_fields) + " fields");
    size_t eq = pair.find('=');
    std::string name = PercentDecode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
    if (!out.emplace(name, std::move(value)).second) {
      return InvalidArgument("the parameter '" + name.substr(0, 64) + "' is given more than once");
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool IsLoopbackRemote(std::string_view remote) {
  size_t colon = remote.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view ip = remote.substr(0, colon);
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return ip.starts_with("127.") || ip == "::1";
}

HttpResponse JsonError(int status, std::string_view type, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = Json{{"type", type}, {"message", message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

HttpResponse NotTaken(HttpResponse busy) {
  busy.headers.Set("Retry-After", "1");
  busy.headers.Set("Cache-Control", "no-store");
  return busy;
}

HttpResponse Busy(std::string_view message) { return NotTaken(JsonError(503, "busy", message)); }

HttpResponse ErrorResponse(const Status& status) {
  int code = 500;
  switch (status.code()) {
    case Code::kOk:
      code = 200;
      break;
    case Code::kInvalidArgument:
      code = 400;
      break;
    case Code::kUnauthenticated:
      code = 401;
      break;
    case Code::kPermissionDenied:
      code = 403;
      break;
    case Code::kNotFound:
      code = 404;
      break;
    case Code::kAlreadyExists:
      code = 409;
      break;
    case Code::kFailedPrecondition:
      code = 409;
      break;
    case Code::kResourceExhausted:
      code = 429;
      break;
    case Code::kDeadlineExceeded:
      code = 504;
      break;
    case Code::kUnavailable:
      code = 503;
      break;
    case Code::kDataLoss:
    case Code::kInternal:
      code = 500;
      break;
  }
  return JsonError(code, CodeName(status.code()), status.message());
}

HttpResponse JsonResponse(const Json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  r.body.push_back('\n');
  return r;
}

HttpResponse TextResponse(std::string body, std::string content_type) {
  HttpResponse r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

HttpResponse SeeOther(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

bool HasMediaType(const HttpRequest& req, std::string_view media_type) {
  std::string_view ct = req.headers.Get("Content-Type");
  std::string_view media = ct.substr(0, ct.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return media.size() == media_type.size() && strncasecmp(media.data(), media_type.data(), media.size()) == 0;
}

Result<Json> ParseJsonBody(const HttpRequest& req, const JsonLimits& limits) {
  if (req.body.empty()) return InvalidArgument("request body is empty; expected a JSON document");
  return ParseJson(req.body, limits);
}

}  // namespace riik::net
