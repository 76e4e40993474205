// Signing a browser in through the state's sign-in service, as every web service of the
// state that citizens sign in to does (the rp role's demo services, the citizen portal):
// OpenID Connect's code flow with PKCE, state and nonce; the state bound to the browser
// by a cookie, and the nonce and PKCE verifier derived from it with a key of this
// service's, so that nothing of a sign-in under way is kept here for others to push out;
// the code exchanged with the client secret; the ID token checked against the provider's
// JWKS (fetched again once when a key is unknown, after a rollover); a session of its own
// behind an HttpOnly cookie with a CSRF token for its forms; sign-out through the
// provider, which ends single sign-on everywhere; and the provider's back-channel logout.
// The pages around it are the service's own: what goes wrong is returned as a Status
// whose message a person can read.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>  // Json members by value (WebSession's claims, the JWKS)
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "net/client.h"
#include "net/http.h"

namespace riik::auth {
class LoginStates;
}
namespace riik::net {
class ClientPool;
}

namespace riik::node {

struct WebSignInOptions {
  std::string client_id;             // the registered sign-in client (a member's subsystem)
  std::string secret;                // its client secret
  std::string auth_url;              // the sign-in service
  std::string url;                   // this service's own URL: the redirect URI is URL/callback
  std::string cookie_prefix = "rp";  // cookies PREFIX_login and PREFIX_session
  bool secure = true;                // served over TLS: __Host- cookies, Secure
  net::ClientOptions http;           // to the sign-in service (its CA)
  // A session ends after this long without a request, and this long after the sign-in
  // in all, as the sign-in service's single sign-on does (a cookie left on a shared
  // computer, or stolen, does not open the person's data for ever).
  std::chrono::seconds idle{15 * 60};
  std::chrono::seconds absolute{12 * 3600};
  // Sessions held at once: when full, a new one makes room (the ended ones go, looked for
  // at most once a second; else, or meanwhile, the oldest).
  size_t max_sessions = 100'000;
  Clock clock = SystemClock();
};

struct WebSession {
  Json claims;  // the ID token's, checked
  std::string id_token, sid, csrf;
  UnixMicros created = 0, last_active = 0;
};

// Whether `s` has ended by `now`: idle longer than `o.idle`, or older than `o.absolute`.
bool WebSessionExpired(const WebSession& s, UnixMicros now, const WebSignInOptions& o);

class WebSignIn {
 public:
  // Reads the provider's discovery document for its issuer.
  static Result<std::unique_ptr<WebSignIn>> Start(WebSignInOptions options);
  ~WebSignIn();

  // The browser's session, if it has one that has not expired (idle or absolute); a
  // request keeps it active.
  std::optional<WebSession> Find(const net::HttpRequest& req);

  // 303 to the sign-in service with a fresh state, nonce and PKCE challenge; `scope`
  // as OpenID Connect spells it ("openid", "openid legalperson"); `ui_locales` the
  // language its pages should speak ("et", "en"; empty: its own choice).
  net::HttpResponse Login(std::string_view scope, std::string_view ui_locales = "");

  // Back from the sign-in service: 303 to `home` with the session cookie set, or to
  // `home?error=…` when the person cancelled or the service refused; a Status (with a
  // message for the person) when the sign-in cannot be completed: not started in this
  // browser, or by this service, or expired (InvalidArgument), the code
  // or the ID token refused (Unavailable). `ending` is the Set-Cookie that ends the
  // browser's sign-in under way (empty if the callback was not its), which every answer
  // to the callback carries, so that a reload cannot send the code again: an answer given
  // here has it already; a page the caller makes of a Status is given it (AddCookie).
  using Done = std::function<void(Result<net::HttpResponse> answer, const std::string& ending)>;
  void Callback(const net::HttpRequest& req, std::string_view home, Done done);
  // `set_cookie` as a Set-Cookie field of `answer`, unless it is empty.
  static void AddCookie(net::HttpResponse& answer, const std::string& set_cookie);

  // Ends the browser's session (its form's CSRF token checked: PermissionDenied if it is
  // not the session's) and sends the browser to the sign-in service to end single sign-on
  // everywhere, coming back to `home`; without a session, just back to `home`.
  Result<net::HttpResponse> Logout(const net::HttpRequest& req, std::string_view home);

  // The provider's logout_token: every session of its sid ends.
  void BackchannelLogout(const net::HttpRequest& req, std::function<void(net::HttpResponse)> done);

  const std::string& auth_url() const { return options_.auth_url; }
  const std::string& client_id() const { return options_.client_id; }

 private:
  explicit WebSignIn(WebSignInOptions options);
  // The Set-Cookie that ends the browser's sign-in under way once it is back.
  std::string EndedLoginCookie() const;
  using Check = std::function<Result<Json>(const Json& jwks)>;
  using Then = std::function<void(Result<Json>)>;
  // The provider's JWKS (fetched when not held, or when `refresh`), then `then`.
  void WithJwks(bool refresh, Then then);
  // `check` against the JWKS held; if it fails, once more against a fresh one (when
  // `limited`, at most once every 10 s: for tokens anyone may post).
  void CheckWithJwks(Check check, Then then, bool limited);
  void FinishSignIn(Result<net::HttpResponse> token, std::string nonce, std::string home, Done done);
  // A new session (mu_ held): the person's oldest ends beyond their share, and when the
  // table is full the ended ones, then the oldest.
  void AddSession(const std::string& cookie, WebSession session);
  std::string CookieName(std::string_view base) const;
  std::string CookieAttributes() const;

  WebSignInOptions options_;
  std::string issuer_;
  std::unique_ptr<net::ClientPool> pool_;  // to the sign-in service, per event loop
  // Each sign-in's state, nonce and verifier, under a key made at the start, in memory
  // only (sign-ins under way when the service restarts are started again).
  std::unique_ptr<auth::LoginStates> logins_;
  mutable std::mutex mu_;
  std::map<std::string, WebSession> sessions_;  // by cookie
  std::deque<std::string> session_order_;       // their cookies in the order made (some ended)
  UnixMicros swept_ = 0;                        // when a full table was last cleared of ended sessions
  // Each person's ("sub") session cookies, oldest first (some ended since).
  std::map<std::string, std::deque<std::string>> person_sessions_;
  Json jwks_;
  UnixMicros jwks_fetched_ = 0;  // when a failed check last fetched the JWKS again
};

}  // namespace riik::node
