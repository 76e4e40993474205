// Router: maps method + path pattern to a handler. Patterns are literal segments and
// `{name}` captures, e.g. "/v1/stores/{node}/journal". Unknown paths get 404, known
// paths with another method 405 (with Allow), and routes that declare a body type
// get 415 for any other Content-Type: all as JSON errors.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <string>
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
  std::shared_ptr<State> state_;
};

// An asynchronous handler: answers through the Responder, possibly later.
using AsyncHandler = std::function<void(HttpRequest&&, Responder)>;
// A handler that answers at once on the network thread: keep it free of blocking I/O.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
 public:
  // `body_type`: if set, requests must carry this Content-Type (else 415).
  void Add(std::string method, std::string pattern, Handler handler, std::string body_type = "");
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler, std::string body_type = "");

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
    Handler sync;        // exactly one of sync and async is set
    AsyncHandler async;
  };
  // The matching route, or the error to answer with.
  std::variant<const Route*, HttpResponse> Find(HttpRequest& req) const;
  std::vector<Route> routes_;
};

}  // namespace riik::net
