// Route matching and the Responder's once-only completion.
#include "net/router.h"

#include <mutex>

namespace riik::net {
namespace {

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '/') {
      ++i;
      continue;
    }
    size_t j = std::min(pattern.find('/', i), pattern.size());
    out.emplace_back(pattern.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Walks `path` segment by segment against the pattern without allocating; captures
// go to `params` when it is set.
bool Match(const std::vector<std::string>& pattern, std::string_view path,
           std::vector<std::pair<std::string, std::string>>* params) {
  size_t i = 0, k = 0;
  for (;;) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i == path.size()) return k == pattern.size();
    if (k == pattern.size()) return false;
    size_t j = std::min(path.find('/', i), path.size());
    std::string_view seg = path.substr(i, j - i);
    const std::string& p = pattern[k++];
    if (IsCapture(p)) {
      if (params) params->emplace_back(p.substr(1, p.size() - 2), PercentDecode(seg));
    } else if (seg != p) {
      return false;
    }
    i = j;
  }
}

}  // namespace

struct Responder::State {
  std::mutex mu;
  Send send;
};

Responder::Responder(Send send) : state_(std::make_shared<State>()) { state_->send = std::move(send); }

// A handler that let its Responder go without answering gets a 500; the refusal is made
// only then, not for every answered call (it was 1.1% of a relayed call's CPU).
Responder::~Responder() {
  if (!state_) return;  // moved from
  if (Send send = Take(); send) send(JsonError(500, "internal", "the handler finished without answering"));
}

void Responder::operator()(HttpResponse response) {
  if (Send send = Take(); send) send(std::move(response));
}

Responder::Send Responder::Take() {
  std::lock_guard lock(state_->mu);
  Send send = std::move(state_->send);
  state_->send = nullptr;
  return send;
}

void Router::Add(std::string method, std::string pattern, Handler handler, std::string body_type, Gate own_gate) {
  routes_.push_back(Route{std::move(method), SplitPattern(pattern), std::move(body_type), std::move(handler), nullptr,
                          std::move(own_gate)});
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler, std::string body_type,
                      Gate own_gate) {
  routes_.push_back(Route{std::move(method), SplitPattern(pattern), std::move(body_type), nullptr, std::move(handler),
                          std::move(own_gate)});
}

std::variant<const Router::Route*, HttpResponse> Router::Find(HttpRequest& req) const {
  std::string allow;
  for (const auto& r : routes_) {
    if (!Match(r.segments, req.path, nullptr)) continue;
    if (r.method != req.method) {
      if (!allow.empty()) allow += ", ";
      allow += r.method;
      continue;
    }
    if (const Gate& gate = r.gate ? r.gate : gate_) {
      if (auto refused = gate(req)) return std::move(*refused);
    }
    if (!r.body_type.empty() && !HasMediaType(req, r.body_type)) {
      std::string got(req.headers.Get("Content-Type").substr(0, 100));
      return JsonError(415, "unsupported_media_type",
                       "expected Content-Type " + r.body_type + ", got " + (got.empty() ? "none" : "'" + got + "'"));
    }
    Match(r.segments, req.path, &req.path_params);
    return &r;
  }
  if (!allow.empty()) {
    HttpResponse resp = JsonError(405, "method_not_allowed", req.method + " is not allowed here; use " + allow);
    resp.headers.Set("Allow", allow);
    return resp;
  }
  return JsonError(404, "not_found", "no such resource: " + req.path.substr(0, 200));
}

std::optional<HttpResponse> Router::TryHandleNow(HttpRequest& req) const {
  auto found = Find(req);
  if (auto* error = std::get_if<HttpResponse>(&found)) return std::move(*error);
  const Route* r = std::get<const Route*>(found);
  if (r->sync) return r->sync(req);
  req.path_params.clear();  // Dispatch matches again
  return std::nullopt;
}

void Router::Dispatch(HttpRequest&& req, Responder respond) const {
  auto found = Find(req);
  if (auto* error = std::get_if<HttpResponse>(&found)) return respond(std::move(*error));
  const Route* r = std::get<const Route*>(found);
  if (r->sync) return respond(r->sync(req));
  r->async(std::move(req), std::move(respond));
}

}  // namespace riik::net
