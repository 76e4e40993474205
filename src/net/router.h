// Router: maps method + path pattern to a handler. Patterns are literal segments and
// `{name}` captures, e.g. "/v1/stores/{node}/journal". Unknown paths get 404, known
// paths with another method 405 (with Allow), and routes that declare a body type
// get 415 for any other Content-Type: all as JSON errors.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/http.h"

namespace riik::net {

// Completes a request from any thread, exactly once. If dropped unused, the client
// gets a 500 so that no connection hangs on a forgotten response.
class Responder {
 public:
  using Send = std::function<void(HttpResponse)>;
  explicit Responder(Send send);
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  ~Responder();

  void operator()(HttpResponse response);

 private:
  struct State;
  // The sender, once: empty after the first answer.
  Send Take();
  std::shared_ptr<State> state_;
};

// An asynchronous handler: answers through the Responder, possibly later.
using AsyncHandler = std::function<void(HttpRequest&&, Responder)>;
// A handler that answers at once on the network thread: keep it free of blocking I/O.
using Handler = std::function<HttpResponse(const HttpRequest&)>;
// Who may call: nothing to let the request through, or the refusal to answer with
// (401/403). Runs on the network thread before the handler and before the body's type
// is checked; keep it to comparing credentials.
using Gate = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

class Router {
 public:
  // `body_type`: if set, requests must carry this Content-Type (else 415). `own_gate`:
  // a route with a gate of its own (an operator route) is checked by it instead of the
  // router's gate.
  void Add(std::string method, std::string pattern, Handler handler, std::string body_type = "",
           Gate own_gate = nullptr);
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler, std::string body_type = "",
                Gate own_gate = nullptr);
  // The gate of every route without one of its own (deny by default for a listener
  // whose callers must all be authenticated, e.g. a registry's security server).
  void SetGate(Gate gate) { gate_ = std::move(gate); }

  // Finds the route and calls it; errors (404/405/415) are answered directly.
  void Dispatch(HttpRequest&& req, Responder respond) const;
  // The fast path for synchronous handlers: answers now if the route is synchronous
  // (or the request is an error), nullopt if it needs Dispatch().
  std::optional<HttpResponse> TryHandleNow(HttpRequest& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    std::string body_type;
    Handler sync;  // exactly one of sync and async is set
    AsyncHandler async;
    Gate gate;  // the route's own, else the router's
  };
  // The matching route, or the error to answer with.
  std::variant<const Route*, HttpResponse> Find(HttpRequest& req) const;
  std::vector<Route> routes_;
  Gate gate_;
};

}  // namespace riik::net
