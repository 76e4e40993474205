// The provider's in-memory state (provider.h): pending sign-ins, app requests, single
// sign-on sessions, codes and tokens, under one mutex, with the rules that keep them
// consistent. Only provider*.cc include this.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/provider.h"

namespace riik::auth {
namespace impl {

inline constexpr size_t kMaxWaiters = 100'000;
// Token pairs (access, refresh) a client holds at once in one session: a client that
// exchanges more codes (a single sign-on loop) loses its oldest pairs, so one signed-in
// person cannot grow the token tables without end.
inline constexpr size_t kMaxTokenPairsPerClient = 8;
// App starts on one sign-in page: each gives the browser a new id, kept for a request's
// lifetime (browser_moved). The table holds at most this many times the pages kept
// (max_pending_requests); when it is full, app starts are refused as busy until old ones
// expire, since pages come and go faster than their moves.
inline constexpr int kMaxAppStarts = 4;

// A lifetime in microseconds, as UnixMicros counts.
inline int64_t Micros(std::chrono::seconds s) { return s.count() * 1'000'000; }

// `uri` with the parameters appended to its query (percent-encoded).
std::string WithQuery(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params);
// Whether the space-separated `scope` holds `want`.
bool HasScope(std::string_view scope, std::string_view want);
// 0 for "" (nothing asked), 1 low, 2 substantial, 3 high; nullopt for anything else.
std::optional<int> AcrRank(const std::string& acr);

struct PendingRequest {
  std::string id, csrf;
  // The id of the browser the request belongs to, since `since`: the one it began with,
  // or a fresh one made for it and given with the answer alone to the browser that
  // started the app flow (Provider::State::Bind) or sent the ID-card's answer (Complete):
  // not a cookie someone else knew or set before.
  std::string browser;
  UnixMicros since = 0;
  // The browser's id from its sign-in on (Complete), given to it with the outcome; the
  // request is the browser's under it too.
  std::string browser_after;
  AuthorizeParams params;
  Client client;
  UnixMicros created = 0;
  std::string challenge;  // the Web eID nonce (base64), empty once used
  UnixMicros challenge_at = 0;
  std::string app_request;  // the app request's id, if the app flow started
  int app_starts = 0;       // how often (kMaxAppStarts)
  AppProgress progress;
  bool finished = false;  // a code was issued or the person cancelled
  // Scope legalperson: the session the person signed in to, while they choose whom to
  // act for, and the companies the business register named (once read).
  std::string signed_in;
  std::optional<std::vector<LegalPerson>> mandates;

  // Whether the request still takes a sign-in (an ID-card token, the app).
  bool open() const { return !finished && signed_in.empty(); }
};

struct AppRequest {
  std::string id, request_id, person_code, hash, client_name;
  std::string purpose = "authentication";  // or "signing-certificate", "signing"
  std::string signing;                     // the signing session's id (request_id is empty then)
  std::string description;                 // for signing: what is signed
  UnixMicros expires = 0;
  bool answered = false;
};

struct SigningSession {
  std::string id, client_id, client_name, person_code, description;
  SigningProgress progress;
  std::string digest;
  std::string app_request;  // the current request in the app
  UnixMicros expires = 0;
};

struct Session {
  std::string sid, browser;
  Person person;
  Method method = Method::kApp;
  UnixMicros auth_time = 0, last_active = 0;
  std::set<std::string> clients;  // every client that got a code in it
  // The token pairs issued in it, by client, oldest first (some used or expired since):
  // at most kMaxTokenPairsPerClient each, and revoked with the session.
  std::map<std::string, std::deque<std::pair<std::string, std::string>>> tokens;
};

struct CodeGrant {
  std::string client_id, redirect_uri, nonce, code_challenge, sid;
  std::optional<LegalPerson> party;  // the company the person acts for
  UnixMicros expires = 0;
  bool used = false;
  // The token pair it bought, or the pair a refresh replaced it with: revoked if the
  // code is presented again, while it lives (RFC 6749 §4.1.2).
  std::string access_token, refresh_token;
};

struct TokenGrant {
  std::string sid, client_id;
  std::string code;  // the code its pair descends from (through refreshes)
  std::optional<LegalPerson> party;
  UnixMicros expires = 0;
};

struct MovedBrowser {
  std::string to;  // the browser's id after an app start or a sign-in
  UnixMicros at = 0;
};

struct Waiter {
  UnixMicros deadline = 0;
  std::string browser;  // the id it asked with
  std::function<void(AppProgress)> done;
};

// A waiter taken to be told where the sign-in stands (Provider::State::TakeWaiters).
struct Woken {
  std::function<void(AppProgress)> done;
  AppProgress progress;
  void operator()() { done(std::move(progress)); }
};

// A session ended because another person signed in on its browser (a shared computer):
// the clients that used it are still to be told, by back-channel logout.
struct EndedSession {
  std::string sid, subject;
  std::set<std::string> clients;
};
inline constexpr size_t kMaxEndedSessions = 100'000;

}  // namespace impl

struct Provider::State {
  std::mutex mu;
  std::map<std::string, impl::PendingRequest> requests;
  // The requests' ids in the order they were made (some already gone): when the table is
  // full, the oldest makes room.
  std::deque<std::string> request_order;
  std::map<std::string, impl::AppRequest> app_requests;
  std::map<std::string, impl::Session> sessions;        // by sid
  std::map<std::string, std::string> browser_sessions;  // browser -> sid
  // A browser's id -> the id its app start or sign-in gave it, kept for a request's
  // lifetime.
  std::map<std::string, impl::MovedBrowser> browser_moved;
  std::deque<std::string> moved_order;  // its keys in the order moved: the sweep's
  std::map<std::string, impl::CodeGrant> codes;
  std::map<std::string, impl::TokenGrant> access, refresh;
  std::multimap<std::string, impl::Waiter> waiters;  // by request id
  std::map<std::string, impl::SigningSession> signing;
  std::vector<impl::EndedSession> ended;  // taken by Provider::TakeLogoutNotices

  // The browser's session if it has not timed out (idle or absolute).
  impl::Session* LiveSession(const std::string& browser, UnixMicros now, const ProviderOptions& o);
  bool Alive(const impl::Session& s, UnixMicros now, const ProviderOptions& o) const;
  // Whether `browser` moved to `id` since `since` (browser_moved: its own app starts and
  // sign-ins, each made by whoever sent the id it moved from), directly or through others.
  bool MovedThrough(std::string browser, UnixMicros since, const std::string& id) const;
  // Whether `r` is the browser's that sends `browser`: its own id or the one its sign-in
  // gave, or where that browser moved since the request got them (its other tabs).
  bool Owns(const impl::PendingRequest& r, const std::string& browser) const;
  // The request if it exists, is `browser`'s (Owns) and has not expired.
  impl::PendingRequest* Find(const std::string& id, const std::string& browser, UnixMicros now,
                             const ProviderOptions& o);
  // The browser that sends `browser_now` starts the app flow of `r`: it, its session and
  // `r` move to a fresh id, the one returned.
  Result<std::string> Bind(impl::PendingRequest& r, const std::string& browser_now, UnixMicros now,
                           const ProviderOptions& o);
  // The browser that sent `browser_now` is now `to` (a fresh id), from `now` on: the
  // requests it had before follow it (each id moves once).
  void Move(const std::string& browser_now, const std::string& to, UnixMicros now);
  // A code for `client` in session `s`; the redirect URL carrying it.
  std::string IssueCode(impl::Session& s, const Client& client, const AuthorizeParams& p, UnixMicros now,
                        const ProviderOptions& o, const std::optional<LegalPerson>& party = std::nullopt);
  // The person signed in for request `r`, from the browser that now sends `browser_now`
  // (the app's answer: the id its start gave, not moved since): the browser's session (a new
  // one, or the same person's renewed) under a new browser id (r.browser_after), and a
  // code, or for scope legalperson the page where they choose whom to act for; the
  // redirect URL.
  std::string Complete(impl::PendingRequest& r, const std::string& browser_now, const Person& person, Method method,
                       UnixMicros now, const ProviderOptions& o);
  // Records a token pair issued to `client` in `s`: in place of the pair whose refresh
  // token `rotated` was (a refresh: that pair's access token is revoked too), or as a new
  // one, revoking the client's oldest pair there beyond kMaxTokenPairsPerClient.
  void RecordTokens(impl::Session& s, const std::string& client, const std::string& access, const std::string& refresh,
                    const std::string& rotated);
  // Ends a session and revokes its tokens; the clients that used it.
  // `sid` by value: callers pass the session's own, which this erases.
  std::set<std::string> EndSession(std::string sid);
  // The request's waiters, each to be told `progress`: only those whose browser the
  // request still is (Owns). One that asked with an id the request has left (someone
  // who knew the id it began with, waiting before the person started the app there) is
  // told to ask again, which Find then refuses.
  std::vector<impl::Woken> TakeWaiters(const std::string& request_id, const AppProgress& progress);
  // Drops what expired; the waiters whose wait is over.
  std::vector<impl::Waiter> Sweep(UnixMicros now, const ProviderOptions& o);
};

}  // namespace riik::auth
