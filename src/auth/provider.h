// The OpenID Connect provider's state and rules, without HTTP (the auth role speaks
// HTTP and renders pages around it): authorization requests with PKCE, the sign-in
// methods (the ID-card's Web eID challenge, the app's confirmation), one single sign-on
// session per browser (GovSSO's model: idle and absolute timeouts, refresh tokens,
// sign-out everywhere with back-channel logout tokens), codes (30 s, single use),
// tokens, userinfo. Everything is held in memory: a restart signs everyone out, and no
// session or token outlives the process that issued it.
// Protocol and claims: docs/signin.md.
//
// Thread-safe. The checks that ask the OCSP responder block: call IdCardLogin and
// AnswerApp off the network threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "auth/app_confirm.h"
#include "auth/clients.h"
#include "auth/eid_check.h"
#include "auth/key_ring.h"
#include "auth/mandates.h"
#include "auth/refusal.h"
#include "core/clock.h"
#include "core/json.h"

namespace riik::auth {

struct ProviderOptions {
  std::string issuer;  // the provider's URL, e.g. https://127.0.0.1:7030 (no trailing slash)
  std::chrono::seconds code_lifetime{30};
  std::chrono::seconds access_token_lifetime{600};
  std::chrono::seconds id_token_lifetime{600};
  std::chrono::seconds session_idle{15 * 60};
  std::chrono::seconds session_absolute{12 * 3600};
  std::chrono::seconds challenge_lifetime{300};
  std::chrono::seconds app_request_lifetime{120};
  std::chrono::seconds signing_lifetime{300};      // a remote signing session, from start to signature
  std::chrono::seconds request_lifetime{30 * 60};  // an unfinished sign-in page
  size_t max_pending_requests = 100'000;           // unfinished sign-in pages held (the oldest goes first)
  // Remote signing sessions held: waiting, or ended and kept for their callers to learn
  // the outcome (when full, those whose time ran out unanswered go first).
  size_t max_signing_sessions = 10'000;
  Clock clock = SystemClock();
  // Reads whom a person may act for (scope `legalperson`); null: the scope is refused.
  MandateLookup mandates;
};

// The scope a client asks for when the person may act for a company they represent.
inline constexpr std::string_view kLegalPersonScope = "legalperson";

// The sign-in methods and the assurance level each gives (TARA's acr).
enum class Method { kIdCard, kApp };
std::string_view MethodAmr(Method m);  // "idcard", "app"
std::string_view MethodAcr(Method m);  // "high" for the ID-card, "substantial" for the app's software key

// An OAuth error: where it goes (the client's redirect URI, or a page when the client
// or the redirect URI cannot be trusted) and what it says.
struct OAuthError {
  std::string error;        // invalid_request, unauthorized_client, user_cancel, …
  std::string description;  // for the client and the page
  std::string redirect;     // the full redirect URL with error and state; empty: show a page
};

struct AuthorizeParams {
  std::string response_type, client_id, redirect_uri, scope, state, nonce, code_challenge, code_challenge_method,
      prompt, acr_values, ui_locales;
};

// What to do with the browser after /authorize or a completed sign-in.
struct Redirect {
  std::string url;
  std::string browser;  // after a sign-in: the browser's new id, to set as its cookie
};
struct ShowLogin {
  std::string request_id;
  // The browser's new id, to set as its cookie, when the one it sent had moved on (a
  // sign-in in another tab whose answer it missed, or someone else's old value): the
  // sign-in is begun under a fresh one. Empty: the browser keeps its own.
  std::string browser;
};
using AuthorizeOutcome = std::variant<Redirect, ShowLogin, OAuthError>;

// What the sign-in page shows about a pending request.
struct LoginView {
  std::string csrf;  // the token the page's forms and calls must carry
  std::string client_name;
  std::string redirect_uri;  // where the sign-in ends (the page's forms may lead there)
  std::string min_acr;       // "" or the level asked for
  bool app_pending = false;
  std::string verification_code;
  std::string locale;  // "en" or "et", from ui_locales
  // The person has signed in and chooses whom to act for (scope legalperson).
  bool choose_party = false;
  std::string person_name;  // then: their name
};

// A request waiting in the citizen's app.
struct AppRequestView {
  std::string id;
  std::string hash;         // SHA-384 size: a signature's digest, or the value a sign-in's statement names
                            // (SignInHash); empty for "signing-certificate"
  std::string purpose;      // "authentication", "signing-certificate" (send the signing certificate) or "signing"
  std::string description;  // for signing: what is signed, in the service's words
  std::string client_name;
  UnixMicros expires_at = 0;
};

// The app flow begun (Provider::AppStart).
struct AppStarted {
  std::string verification_code;  // to show beside the app's
  std::string browser;            // the browser's new id, to set as its cookie
};

// The app flow's progress as the sign-in page's long poll sees it.
struct AppProgress {
  enum class State { kWaiting, kDone, kRefused } state = State::kWaiting;
  std::string redirect;                  // kDone
  Refusal refusal = Refusal::kInternal;  // kRefused
  std::string browser;                   // kDone: the browser's new id, to set as its cookie
};

// Remote signing (Smart-ID's model for signatures): a service asks a person to sign; the
// app first sends the person's choice of signing certificate (signed with PIN1), the service
// prepares the signature around it and hands over the digest, the service shows the
// verification code, and the app signs the digest with PIN2.
struct SigningProgress {
  enum class State {
    kWaitingForCertificate,  // in the app
    kCertificate,            // the certificate is here: the service gives the digest
    kWaitingForSignature,    // in the app, PIN2
    kSigned,
    kRefused
  } state = State::kWaitingForCertificate;
  std::string certificate_der;           // from kCertificate on
  std::string verification_code;         // from kWaitingForSignature on
  std::string signature;                 // kSigned: r‖s of the digest by the certificate's key
  Refusal refusal = Refusal::kInternal;  // kRefused
};
std::string_view SigningStateName(SigningProgress::State state);

struct TokenRequest {
  ClientCredentials credentials;
  std::string grant_type, code, redirect_uri, code_verifier, refresh_token;
};

// A token endpoint failure: 400 with error, or 401 invalid_client.
struct TokenError {
  int status = 400;
  std::string error;
  std::string description;
};

// A back-channel logout notice to deliver: POST logout_token=JWT to uri.
struct LogoutNotice {
  std::string uri;
  std::string logout_token;
};

struct LogoutOutcome {
  std::string redirect;  // the client's post-logout URI with state; empty: show "signed out"
  std::vector<LogoutNotice> notices;
};

namespace impl {
struct AppRequest;
}

class Provider {
 public:
  // `log_refusal` is told each refusal with a pseudonym of the person (never the code).
  using RefusalLog =
      std::function<void(std::string_view client, std::string_view method, const Refused&, std::string_view pseudonym)>;
  Provider(ProviderOptions options, KeyRing& keys, ClientLookup clients, EidTrust trust, RefusalLog log = nullptr);
  ~Provider();

  const ProviderOptions& options() const { return options_; }
  const EidTrust& trust() const { return trust_; }
  // The discovery document (/.well-known/openid-configuration).
  Json Discovery() const;

  // /authorize from `browser` (the browser's cookie id): a code at once when the browser
  // has a session that is enough, else the sign-in page, else an error.
  AuthorizeOutcome Authorize(const AuthorizeParams& params, const std::string& browser);
  // The pending request's page view, if it exists and belongs to this browser.
  std::optional<LoginView> View(const std::string& request_id, const std::string& browser);
  // The person gave up: the client hears user_cancel.
  Result<Redirect> Cancel(const std::string& request_id, const std::string& browser);

  // The ID-card: a fresh challenge nonce for this request and browser (replacing any
  // earlier one), then the Web eID token made over it. Blocks on OCSP.
  Result<std::string> IdCardChallenge(const std::string& request_id, const std::string& browser);
  Checked<Redirect> IdCardLogin(const std::string& request_id, const std::string& browser, std::string_view token_json,
                                std::string_view origin);

  // The app: the person typed their personal code. The sign-in is the starting browser's
  // from now on: it gets a new id (AppStarted::browser, to set as its cookie), and so do
  // its session and its other tabs' sign-ins, while the id it came with opens nothing of
  // this sign-in any more (whoever else knew that id cannot follow it to its outcome).
  Checked<AppStarted> AppStart(const std::string& request_id, const std::string& browser,
                               std::string_view personal_code);
  // Where the app flow stands now (kRefused for an unknown request): for the page's
  // "I have confirmed" button, which does not wait.
  AppProgress AppProgressNow(const std::string& request_id, const std::string& browser);
  // The same for the page's long poll: `done` is called with the progress as soon as it
  // is not kWaiting, or with kWaiting once `wait` has passed (Sweep() notices), or at
  // once for an unknown request (kRefused) or a `wait` of 0. `done` may be called on
  // another thread after AppWait returned: it must own what it touches.
  void AppWait(const std::string& request_id, const std::string& browser, std::chrono::milliseconds wait,
               std::function<void(AppProgress)> done);
  // The citizen's app: the requests waiting for this person ("EE<code>").
  std::vector<AppRequestView> AppPending(std::string_view subject);
  // The app's answer (blocks on OCSP), or the person's refusal in the app.
  Checked<bool> AnswerApp(const std::string& app_request_id, const AppAnswer& answer);
  // A decline counts only signed by the person's authentication key (PIN1) over
  // DeclineHash(id) (app_confirm.h); PermissionDenied otherwise, and the request waits on.
  Status DeclineApp(const std::string& app_request_id, const AppAnswer& signed_decline);

  // Acting for a company (scope legalperson), once the person has signed in: the
  // companies they sit on the board of, read through ProviderOptions::mandates (blocks;
  // read once per sign-in), then their choice (`registry_code` empty: for themselves),
  // which the code, the ID token and userinfo carry. NotFound without such a sign-in;
  // PermissionDenied for a company the register did not name.
  Result<std::vector<LegalPerson>> Mandates(const std::string& request_id, const std::string& browser);
  Result<Redirect> Represent(const std::string& request_id, const std::string& browser, std::string_view registry_code);

  // Remote signing for `client` (authenticated: AuthenticateClient): a session asking
  // the person of `personal_code` to sign what `description` names; its id.
  // InvalidArgument for a code that is not valid; ResourceExhausted when too many wait.
  Result<std::string> StartSigning(const Client& client, std::string_view personal_code, std::string description);
  // The digest to sign (kAppHashBytes), once the certificate is here; the verification
  // code to show. FailedPrecondition in any other state.
  Result<std::string> SetSigningDigest(const std::string& session, const std::string& client_id,
                                       std::string_view digest);
  // Where the session stands; NotFound for another client's or an unknown session.
  Result<SigningProgress> Signing(const std::string& session, const std::string& client_id);
  // The client of a request to the signing API, authenticated as at the token endpoint.
  Result<Client> AuthenticateClient(const ClientCredentials& credentials);

  // The token endpoint.
  std::variant<Json, TokenError> Token(const TokenRequest& request);
  // The userinfo endpoint: the claims for an access token.
  Result<Json> UserInfo(std::string_view access_token);
  // RP-initiated logout from `browser`: ends the session the ID token names (it must be
  // this browser's), with notices for every client that used it.
  Result<LogoutOutcome> Logout(std::string_view id_token_hint, std::string_view post_logout_redirect_uri,
                               std::string_view state, const std::string& browser);

  // The back-channel logout notices for sessions that ended because another person
  // signed in on their browser, each given once.
  std::vector<LogoutNotice> TakeLogoutNotices();

  // Drops what has expired (codes, requests, challenges, sessions, tokens).
  void Sweep();
  // Counts for /metrics.
  struct Counts {
    size_t sessions = 0, requests = 0, access_tokens = 0, refresh_tokens = 0;
  };
  Counts counts() const;

 private:
  struct State;
  // The person's pseudonym in logs: a keyed hash of the personal code.
  std::string Pseudonym(std::string_view code) const;
  // The app's answer to a remote signing session's request (provider_signing.cc).
  Checked<bool> AnswerSigning(const impl::AppRequest& request, const AppAnswer& answer);
  // Logs a refused sign-in (nothing is counted against anyone: see provider.cc).
  void Refuse(const std::string& client, Method method, const Refused& refused, std::string_view code);
  // A logout token for each of `clients` that registered a back-channel logout URI.
  std::vector<LogoutNotice> LogoutNotices(const std::string& sid, const std::string& subject,
                                          const std::set<std::string>& clients);
  Result<std::string> MintIdToken(const Client& client, const std::string& sid, const std::string& nonce,
                                  const std::string& access_token, UnixMicros auth_time,
                                  const std::optional<LegalPerson>& party);
  ProviderOptions options_;
  KeyRing& keys_;
  ClientLookup clients_;
  EidTrust trust_;
  RefusalLog log_;
  ClientAuthenticator authenticator_;
  std::string pseudonym_key_;  // per process: pseudonyms in logs cannot be joined across restarts
  std::unique_ptr<State> state_;
};

}  // namespace riik::auth
