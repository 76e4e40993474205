// The provider's state and its consistency rules (provider_state.h).
#include "auth/impl/provider_state.h"

#include <algorithm>

#include "crypto/random.h"
#include "net/http.h"

namespace riik::auth {
namespace impl {

std::string WithQuery(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    out += sep;
    out += net::PercentEncode(k) + "=" + net::PercentEncode(v);
    sep = '&';
  }
  return out;
}

bool HasScope(std::string_view scope, std::string_view want) {
  size_t i = 0;
  while (i <= scope.size()) {
    size_t end = scope.find(' ', i);
    if (end == std::string_view::npos) end = scope.size();
    if (scope.substr(i, end - i) == want) return true;
    i = end + 1;
  }
  return false;
}

std::optional<int> AcrRank(const std::string& acr) {
  if (acr.empty()) return 0;
  if (acr == "low") return 1;
  if (acr == "substantial") return 2;
  if (acr == "high") return 3;
  return std::nullopt;
}

}  // namespace impl

using impl::Micros;

bool Provider::State::Alive(const impl::Session& s, UnixMicros now, const ProviderOptions& o) const {
  return now - s.last_active < Micros(o.session_idle) && now - s.auth_time < Micros(o.session_absolute);
}

impl::Session* Provider::State::LiveSession(const std::string& browser, UnixMicros now, const ProviderOptions& o) {
  auto b = browser_sessions.find(browser);
  if (b == browser_sessions.end()) return nullptr;
  auto s = sessions.find(b->second);
  if (s == sessions.end() || !Alive(s->second, now, o)) return nullptr;
  return &s->second;
}

bool Provider::State::Owns(const impl::PendingRequest& r, const std::string& browser) const {
  // Followed only for moves after the request got its id: the browser's own tabs. A
  // request made with an id after it moved is someone else's who knew the id: the browser
  // that moved on must not be drawn into it (and its session handed over on its answer).
  // Any id on the way: the browser may not have had the latest answer yet.
  auto is = [&](const std::string& owner) {
    return !owner.empty() && (owner == browser || MovedThrough(owner, r.since, browser));
  };
  return is(r.browser) || is(r.browser_after);
}

impl::PendingRequest* Provider::State::Find(const std::string& id, const std::string& browser, UnixMicros now,
                                            const ProviderOptions& o) {
  auto it = requests.find(id);
  if (it == requests.end()) return nullptr;
  impl::PendingRequest& r = it->second;
  if (!Owns(r, browser)) return nullptr;
  if (now - r.created > Micros(o.request_lifetime)) return nullptr;
  // Signed in and choosing whom to act for, but the session ended meanwhile (signed out,
  // timed out, another person signed in): the request asks for a sign-in again.
  if (!r.finished && !r.signed_in.empty()) {
    auto s = sessions.find(r.signed_in);
    if (s == sessions.end() || !Alive(s->second, now, o)) {
      r.signed_in.clear();
      r.mandates.reset();
      r.progress = {};
    }
  }
  return &r;
}

std::string Provider::State::IssueCode(impl::Session& s, const Client& client, const AuthorizeParams& p, UnixMicros now,
                                       const ProviderOptions& o, const std::optional<LegalPerson>& party) {
  auto code = RandomToken(32);
  if (!code.ok()) {
    return impl::WithQuery(p.redirect_uri, {{"error", "server_error"}, {"state", p.state}});
  }
  impl::CodeGrant g;
  g.client_id = client.id;
  g.redirect_uri = p.redirect_uri;
  g.nonce = p.nonce;
  g.code_challenge = p.code_challenge;
  g.sid = s.sid;
  g.party = party;
  g.expires = now + Micros(o.code_lifetime);
  codes[*code] = std::move(g);
  s.clients.insert(client.id);
  return impl::WithQuery(p.redirect_uri, {{"code", *code}, {"state", p.state}});
}

bool Provider::State::MovedThrough(std::string browser, UnixMicros since, const std::string& id) const {
  // A chain of app starts and sign-ins in the browser's tabs within a request's lifetime.
  for (int hops = 0; hops < 64; ++hops) {
    auto moved = browser_moved.find(browser);
    if (moved == browser_moved.end() || moved->second.at < since) return false;
    browser = moved->second.to;
    if (browser == id) return true;
  }
  return false;
}

void Provider::State::Move(const std::string& browser_now, const std::string& to, UnixMicros now) {
  // Never moved twice from one id: whoever else uses an old id later (to sign in, or to
  // start the app) does not take the browser's other requests along.
  if (browser_moved.try_emplace(browser_now, impl::MovedBrowser{to, now}).second) moved_order.push_back(browser_now);
}

Result<std::string> Provider::State::Bind(impl::PendingRequest& r, const std::string& browser_now, UnixMicros now,
                                          const ProviderOptions& o) {
  ASSIGN_OR_RETURN(std::string fresh, RandomToken(32));
  // The browser's own session goes along, to be renewed (or ended, for another person)
  // when the app answers. Only the id it sent now is looked up, not where an id moved:
  // the holder of an old id reaches no session.
  if (impl::Session* s = LiveSession(browser_now, now, o)) {
    browser_sessions.erase(s->browser);
    s->browser = fresh;
    browser_sessions[fresh] = s->sid;
  }
  Move(browser_now, fresh, now);
  r.browser = fresh;
  r.since = now;
  return fresh;
}

std::string Provider::State::Complete(impl::PendingRequest& r, const std::string& browser_now, const Person& person,
                                      Method method, UnixMicros now, const ProviderOptions& o) {
  // Nothing half done: the browser learns of the failure, with no new id.
  auto server_error = [&r] {
    std::string url = impl::WithQuery(r.params.redirect_uri, {{"error", "server_error"}, {"state", r.params.state}});
    r.finished = true;
    r.browser_after.clear();
    r.progress = {AppProgress::State::kDone, url, Refusal::kInternal, ""};
    return url;
  };
  // The session of the browser that signs in, under the id it sent now (after another
  // tab's sign-in, a newer one than the request began with; for the app, the id its start
  // gave, which has not moved since: AnswerApp). Never found by following an id's moves:
  // whoever else holds an id must not reach the session its holder moved on to.
  impl::Session* s = LiveSession(browser_now, now, o);
  if (s && s->person.code != person.code) {
    // Another person signs in on this browser: the first one's session ends, and so, once
    // told, do theirs at the services they used here.
    impl::EndedSession first{s->sid, s->person.Subject(), EndSession(s->sid)};
    if (!first.clients.empty() && ended.size() < impl::kMaxEndedSessions) ended.push_back(std::move(first));
    s = nullptr;
  }
  // The session goes on under a browser id made now, not the one the request came with:
  // whoever set that cookie (another site on the same host, someone at the computer
  // before) cannot use the session it now opens.
  auto browser = RandomToken(32);
  if (!browser.ok()) return server_error();
  if (!s) {
    auto sid = RandomToken(24);
    if (!sid.ok()) return server_error();
    impl::Session fresh;
    fresh.sid = *sid;
    s = &(sessions[*sid] = std::move(fresh));
  } else if (auto b = browser_sessions.find(s->browser); b != browser_sessions.end() && b->second == s->sid) {
    browser_sessions.erase(b);
  }
  s->browser = *browser;
  browser_sessions[*browser] = s->sid;
  // The browser's other tabs still bring the id from before, until this answer reaches
  // it; their requests follow it to the new one (Find), for as long as a request lives.
  Move(browser_now, *browser, now);
  r.browser_after = *browser;
  // The ID-card's answer brings the browser its new id at once: the request is that id's
  // alone now, whatever id it had (one someone else knew, even one they got by starting
  // the app themselves). The app's outcome is fetched by the browser that started it,
  // under the id its start gave it (r.browser, kept).
  if (method == Method::kIdCard) {
    r.browser = *browser;
    r.since = now;
  }
  s->person = person;
  s->method = method;
  s->auth_time = now;
  s->last_active = now;
  app_requests.erase(r.app_request);
  std::string url;
  if (impl::HasScope(r.params.scope, kLegalPersonScope)) {
    r.signed_in = s->sid;  // next: whom the person acts for
    url = o.issuer + "/login/" + r.id;
  } else {
    r.finished = true;
    url = IssueCode(*s, r.client, r.params, now, o);
  }
  r.progress = {AppProgress::State::kDone, url, Refusal::kInternal, r.browser_after};
  return url;
}

void Provider::State::RecordTokens(impl::Session& s, const std::string& client, const std::string& access_token,
                                   const std::string& refresh_token, const std::string& rotated) {
  auto& issued = s.tokens[client];
  if (!rotated.empty()) {
    auto pair = std::find_if(issued.begin(), issued.end(), [&](const auto& p) { return p.second == rotated; });
    if (pair != issued.end()) {
      access.erase(pair->first);
      *pair = {access_token, refresh_token};
      return;
    }
  }
  issued.emplace_back(access_token, refresh_token);
  while (issued.size() > impl::kMaxTokenPairsPerClient) {
    access.erase(issued.front().first);
    refresh.erase(issued.front().second);
    issued.pop_front();
  }
}

std::set<std::string> Provider::State::EndSession(std::string sid) {
  auto it = sessions.find(sid);
  if (it == sessions.end()) return {};
  std::set<std::string> clients = std::move(it->second.clients);
  if (auto b = browser_sessions.find(it->second.browser); b != browser_sessions.end() && b->second == sid) {
    browser_sessions.erase(b);
  }
  for (const auto& [client, issued] : it->second.tokens) {
    for (const auto& [access_token, refresh_token] : issued) {
      access.erase(access_token);
      refresh.erase(refresh_token);
    }
  }
  sessions.erase(it);
  for (auto c = codes.begin(); c != codes.end();) c = c->second.sid == sid ? codes.erase(c) : std::next(c);
  return clients;
}

std::vector<impl::Woken> Provider::State::TakeWaiters(const std::string& request_id, const AppProgress& progress) {
  std::vector<impl::Woken> out;
  auto r = requests.find(request_id);
  auto [first, last] = waiters.equal_range(request_id);
  for (auto it = first; it != last; ++it) {
    bool owner = r != requests.end() && Owns(r->second, it->second.browser);
    out.push_back({std::move(it->second.done), owner ? progress : AppProgress{}});
  }
  waiters.erase(first, last);
  return out;
}

std::vector<impl::Waiter> Provider::State::Sweep(UnixMicros now, const ProviderOptions& o) {
  std::lock_guard lock(mu);
  for (auto it = requests.begin(); it != requests.end();) {
    it = now - it->second.created > Micros(o.request_lifetime) ? requests.erase(it) : std::next(it);
  }
  while (!request_order.empty() && !requests.contains(request_order.front())) request_order.pop_front();
  for (auto it = app_requests.begin(); it != app_requests.end();) {
    bool orphan =
        it->second.signing.empty() ? !requests.contains(it->second.request_id) : !signing.contains(it->second.signing);
    it = it->second.expires <= now || orphan ? app_requests.erase(it) : std::next(it);
  }
  for (auto it = codes.begin(); it != codes.end();) it = it->second.expires <= now ? codes.erase(it) : std::next(it);
  while (!moved_order.empty()) {  // moved in time order: only the expired are read
    auto it = browser_moved.find(moved_order.front());
    if (it != browser_moved.end() && now - it->second.at <= Micros(o.request_lifetime)) break;
    if (it != browser_moved.end()) browser_moved.erase(it);
    moved_order.pop_front();
  }
  // A session stays readable for another lifetime after it ends, so that its caller,
  // polling, still learns the outcome (a signature given at the last moment included).
  for (auto it = signing.begin(); it != signing.end();) {
    it = it->second.expires + Micros(o.signing_lifetime) <= now ? signing.erase(it) : std::next(it);
  }
  for (auto* grants : {&access, &refresh}) {
    for (auto g = grants->begin(); g != grants->end();) g = g->second.expires <= now ? grants->erase(g) : std::next(g);
  }
  std::vector<std::string> dead;
  for (const auto& [sid, s] : sessions) {
    if (!Alive(s, now, o)) dead.push_back(sid);
  }
  for (const auto& sid : dead) EndSession(sid);
  std::vector<impl::Waiter> due;
  for (auto it = waiters.begin(); it != waiters.end();) {
    if (it->second.deadline <= now) {
      due.push_back(std::move(it->second));
      it = waiters.erase(it);
    } else {
      ++it;
    }
  }
  return due;
}

}  // namespace riik::auth
