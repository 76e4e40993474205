// Route matching and the Responder's once-only completion.
#include "net/router.h"

#include <mutex>

namespace riik::net {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::vector<std::pair<std::string, std::string>>* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (params) params->emplace_back(p.substr(1, p.size() - 2), PercentDecode(path[i]));
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct Responder::State {
  std::mutex mu;
  Send send;
};

Responder::Responder(Send send) : state_(std::make_shared<State>()) { state_->send = std::move(send); }

Responder::~Responder() {
  if (state_) (*this)(JsonError(500, "internal", "the handler finished without answering"));
}

void Responder::operator()(HttpResponse response) {
  Send send;
  {
    std::lock_guard lock(state_->mu);
    send = std::move(state_->send);
    state_->send = nullptr;
  }
  if (send) send(std::move(response));
}

void Router::Add(std::string method, std::string pattern, Handler handler, std::string body_type) {
  AddAsync(
      std::move(method), std::move(pattern),
      [h = std::move(handler)](HttpRequest&& req, Responder respond) { respond(h(req)); }, std::move(body_type));
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler, std::string body_type) {
  routes_.push_back(Route{std::move(method), Split(pattern), std::move(body_type), std::move(handler)});
}

void Router::Dispatch(HttpRequest&& req, Responder respond) const {
  auto path = Split(req.path);
  std::string allow;
  for (const auto& r : routes_) {
    if (!Match(r.segments, path, nullptr)) continue;
    if (r.method != req.method && !(r.method == "GET" && req.method == "HEAD")) {
      if (!allow.empty()) allow += ", ";
      allow += r.method;
      continue;
    }
    if (!r.body_type.empty() && !HasMediaType(req, r.body_type)) {
      std::string got(req.headers.Get("Content-Type").substr(0, 100));
      respond(JsonError(415, "unsupported_media_type",
                        "expected Content-Type " + r.body_type + ", got " + (got.empty() ? "none" : "'" + got + "'")));
      return;
    }
    Match(r.segments, path, &req.path_params);
    r.handler(std::move(req), std::move(respond));
    return;
  }
  if (!allow.empty()) {
    HttpResponse resp = JsonError(405, "method_not_allowed", req.method + " is not allowed here; use " + allow);
    resp.headers.Set("Allow", allow);
    respond(std::move(resp));
    return;
  }
  respond(JsonError(404, "not_found", "no such resource: " + req.path.substr(0, 200)));
}

}  // namespace riik::net
