// What the roles that serve people in a browser, signed in through the state's sign-in
// service (rp, portal), share: reading their sign-in client's settings, their caller on
// the exchange, and routes bound to a service that may still be starting.
// Settings (both roles):
//   client_id      the registered sign-in client (a member's subsystem; required)
//   secret_file    its client secret (0600; required)
//   auth_url       the sign-in service (default: the auth role of this process)
//   trust_root     the CA the sign-in service's TLS certificate chains to (required for https)
//   plain_http     "development" to serve without TLS
//   exchange_url   the member's security server, for calls on the person's behalf (optional)
//   subsystem      the subsystem those calls are made as (default: client_id)
//   client_cert, client_key   what the security server knows the subsystem by
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/router.h"
#include "node/role.h"
#include "node/web_sign_in.h"
#include "registry/exchange_caller.h"

namespace riik::node {

class Node;

// The role's sign-in client, its cookies named PREFIX_…; InvalidArgument names a
// missing or wrong setting (a browser-facing role without TLS and without plain_http =
// "development" among them).
Result<WebSignInOptions> BrowserSignInOptions(const Node& node, const RoleConfig& role, const std::string& url,
                                              std::string cookie_prefix);

// The caller on the exchange (null without exchange_url).
Result<std::unique_ptr<registry::ExchangeCaller>> BrowserExchangeCaller(const RoleConfig& role,
                                                                        const std::string& default_subsystem);

// The state every browser-facing role keeps (its sign-in, whether it has started) and
// what it does the same: sign-out everywhere and the provider's back-channel logout.
class BrowserService : public RoleService {
 public:
  std::vector<std::string> stores() const override { return {}; }
  bool ready() const { return ready_.load(); }
  std::string NotReady() const override { return ready() ? "" : "signing in with the sign-in service"; }

  // POST /logout: ends the session (403 without its CSRF token) and everywhere else.
  net::HttpResponse Logout(const net::HttpRequest& req);
  // POST /backchannel-logout: the sign-in service's logout_token.
  void BackchannelLogout(net::HttpRequest&& req, net::Responder respond);

 protected:
  std::unique_ptr<WebSignIn> sign_in_;
  std::atomic<bool> ready_{false};
};

// A handler of `Service` (a BrowserService or one with `bool ready() const`) held
// weakly: 503 while it is starting or gone.
template <class Service, class Base>
net::Handler Bind(std::weak_ptr<Service> weak, net::HttpResponse (Base::*handler)(const net::HttpRequest&)) {
  return [weak, handler](const net::HttpRequest& req) {
    auto s = weak.lock();
    if (!s || !s->ready()) return net::JsonError(503, "unavailable", "the service is starting");
    return ((*s).*handler)(req);
  };
}
template <class Service, class Base>
net::AsyncHandler Bind(std::weak_ptr<Service> weak, void (Base::*handler)(net::HttpRequest&&, net::Responder)) {
  return [weak, handler](net::HttpRequest&& req, net::Responder respond) {
    auto s = weak.lock();
    if (!s || !s->ready()) return respond(net::JsonError(503, "unavailable", "the service is starting"));
    ((*s).*handler)(std::move(req), std::move(respond));
  };
}

// POST /logout and POST /backchannel-logout of `service`.
template <class Service>
void AddSignOutRoutes(net::Router& router, std::weak_ptr<Service> service) {
  router.Add("POST", "/logout", Bind(service, &BrowserService::Logout), "application/x-www-form-urlencoded");
  router.AddAsync("POST", "/backchannel-logout", Bind(service, &BrowserService::BackchannelLogout),
                  "application/x-www-form-urlencoded");
}

}  // namespace riik::node
