// The provider's token endpoint, userinfo and RP-initiated logout (provider.h).
#include <nlohmann/json.hpp>

#include "auth/impl/provider_state.h"
#include "auth/provider.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace riik::auth {
namespace {

constexpr std::string_view kBackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

int64_t Seconds(UnixMicros t) { return t / 1'000'000; }

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool WellFormedVerifier(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
          c == '_' || c == '~')) {
      return false;
    }
  }
  return true;
}

Json ProfileAttributes(const Person& p) {
  return {{"given_name", p.given_name}, {"family_name", p.family_name}, {"date_of_birth", p.date_of_birth}};
}

TokenError Grant(std::string description) { return {400, "invalid_grant", std::move(description)}; }

}  // namespace

Result<std::string> Provider::MintIdToken(const Client& client, const std::string& sid, const std::string& nonce,
                                          const std::string& access_token, UnixMicros auth_time,
                                          const std::optional<LegalPerson>& party) {
  // Called with the state locked: the session exists.
  const impl::Session& s = state_->sessions.at(sid);
  ASSIGN_OR_RETURN(KeyRing::Key key, keys_.Signing(client.id_token_alg));
  ASSIGN_OR_RETURN(std::string jti, RandomToken(16));
  UnixMicros now = options_.clock();
  Json claims = {{"iss", options_.issuer},
                 {"sub", s.person.Subject()},
                 {"aud", client.id},
                 {"iat", Seconds(now)},
                 {"exp", Seconds(now) + options_.id_token_lifetime.count()},
                 {"auth_time", Seconds(auth_time)},
                 {"jti", jti},
                 {"sid", sid},
                 {"acr", MethodAcr(s.method)},
                 {"amr", {MethodAmr(s.method)}},
                 {"at_hash", AtHash(client.id_token_alg, access_token)},
                 {"profile_attributes", ProfileAttributes(s.person)}};
  if (!nonce.empty()) claims["nonce"] = nonce;
  if (party) claims["represents_legal_person"] = LegalPersonClaim(*party);
  return SignJws(claims, key.key.get(), client.id_token_alg, key.kid);
}

std::variant<Json, TokenError> Provider::Token(const TokenRequest& req) {
  auto client = authenticator_.Authenticate(req.credentials);
  if (!client.ok()) return TokenError{401, "invalid_client", client.status().message()};
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  std::string sid, nonce;
  std::optional<LegalPerson> party;
  impl::CodeGrant* code = nullptr;  // the code the new pair descends from, while it lives
  std::string code_id;
  if (req.grant_type == "authorization_code") {
    auto it = state_->codes.find(req.code);
    if (it == state_->codes.end()) return Grant("unknown or expired code");
    code = &it->second;
    if (code->used) {
      // A replayed code: whatever it bought is revoked (RFC 6749 §4.1.2), refreshed or not.
      state_->access.erase(code->access_token);
      state_->refresh.erase(code->refresh_token);
      return Grant("the code was used already");
    }
    if (code->expires <= now) return Grant("the code has expired (codes live 30 seconds)");
    if (code->client_id != client->id) return Grant("the code was issued to another client");
    if (code->redirect_uri != req.redirect_uri) return Grant("redirect_uri differs from the authorization request's");
    if (!WellFormedVerifier(req.code_verifier)) return Grant("code_verifier must be 43 to 128 unreserved characters");
    if (Base64UrlEncode(DigestBytes(Sha256(req.code_verifier))) != code->code_challenge) {
      return Grant("code_verifier does not match the code_challenge (PKCE)");
    }
    code->used = true;
    code_id = req.code;
    sid = code->sid;
    nonce = code->nonce;
    party = code->party;
  } else if (req.grant_type == "refresh_token") {
    auto it = state_->refresh.find(req.refresh_token);
    if (it == state_->refresh.end() || it->second.expires <= now) return Grant("unknown or expired refresh token");
    if (it->second.client_id != client->id) return Grant("the refresh token was issued to another client");
    sid = it->second.sid;
    party = it->second.party;
    code_id = it->second.code;
    if (auto c = state_->codes.find(code_id); c != state_->codes.end()) code = &c->second;
    state_->refresh.erase(it);  // rotated: each refresh token is used once
  } else {
    return TokenError{400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"};
  }
  auto session = state_->sessions.find(sid);
  if (session == state_->sessions.end() || !state_->Alive(session->second, now, options_)) {
    return Grant("the person's session has ended");
  }
  session->second.last_active = now;
  auto access = RandomToken(32);
  auto refresh = RandomToken(32);
  if (!access.ok() || !refresh.ok()) return TokenError{500, "server_error", "no randomness"};
  auto id_token = MintIdToken(*client, sid, nonce, *access, session->second.auth_time, party);
  if (!id_token.ok()) return TokenError{500, "server_error", id_token.status().message()};
  UnixMicros session_end = session->second.auth_time + options_.session_absolute.count() * 1'000'000;
  state_->access[*access] = {sid, client->id, code_id, party, now + options_.access_token_lifetime.count() * 1'000'000};
  state_->refresh[*refresh] = {sid, client->id, code_id, party, session_end};
  state_->RecordTokens(session->second, client->id, *access, *refresh,
                       req.grant_type == "refresh_token" ? req.refresh_token : "");
  if (code) {
    code->access_token = *access;
    code->refresh_token = *refresh;
  }
  return Json{
      {"access_token", *access}, {"token_type", "Bearer"},    {"expires_in", options_.access_token_lifetime.count()},
      {"id_token", *id_token},   {"refresh_token", *refresh}, {"scope", "openid"}};
}

Result<Json> Provider::UserInfo(std::string_view access_token) {
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  auto it = state_->access.find(std::string(access_token));
  if (it == state_->access.end() || it->second.expires <= now) {
    return Unauthenticated("the access token is unknown or has expired");
  }
  auto session = state_->sessions.find(it->second.sid);
  if (session == state_->sessions.end()) return Unauthenticated("the person's session has ended");
  const impl::Session& s = session->second;
  Json claims = {{"sub", s.person.Subject()},
                 {"auth_time", Seconds(s.auth_time)},
                 {"acr", MethodAcr(s.method)},
                 {"amr", {MethodAmr(s.method)}},
                 {"profile_attributes", ProfileAttributes(s.person)}};
  if (it->second.party) claims["represents_legal_person"] = LegalPersonClaim(*it->second.party);
  return claims;
}

Result<LogoutOutcome> Provider::Logout(std::string_view id_token_hint, std::string_view post_logout_redirect_uri,
                                       std::string_view state, const std::string& browser) {
  auto hint = ParseJws(id_token_hint);
  if (!hint.ok()) return InvalidArgument("id_token_hint: " + hint.status().message());
  auto key = keys_.Find(hint->kid);
  if (!key.ok()) return InvalidArgument("id_token_hint is not signed by a key of this provider");
  ASSIGN_OR_RETURN(bool good, VerifyJws(*hint, key->key.get()));
  if (!good || StringOr(hint->payload, "iss") != options_.issuer) {
    return InvalidArgument("id_token_hint is not signed by this provider");
  }
  std::string client_id = StringOr(hint->payload, "aud"), sid = StringOr(hint->payload, "sid");
  auto client = clients_(client_id);
  if (!client.ok()) return InvalidArgument("id_token_hint names an unknown client");
  LogoutOutcome out;
  if (!post_logout_redirect_uri.empty()) {
    bool registered = false;
    for (const auto& u : client->post_logout_redirect_uris) registered = registered || u == post_logout_redirect_uri;
    if (!registered) return InvalidArgument("post_logout_redirect_uri is not one the client registered");
    std::vector<std::pair<std::string, std::string>> q;
    if (!state.empty()) q.emplace_back("state", std::string(state));
    out.redirect = impl::WithQuery(std::string(post_logout_redirect_uri), q);
  }
  std::set<std::string> clients;
  std::string subject;
  {
    std::lock_guard lock(state_->mu);
    auto s = state_->sessions.find(sid);
    if (s == state_->sessions.end()) return out;  // ended already: signing out again is harmless
    if (s->second.browser != browser) return PermissionDenied("the sign-out did not come from the session's browser");
    subject = s->second.person.Subject();
    clients = state_->EndSession(sid);
  }
  out.notices = LogoutNotices(sid, subject, clients);
  return out;
}

std::vector<LogoutNotice> Provider::TakeLogoutNotices() {
  std::vector<impl::EndedSession> ended;
  {
    std::lock_guard lock(state_->mu);
    ended.swap(state_->ended);
  }
  std::vector<LogoutNotice> out;
  for (const auto& e : ended) {
    for (auto& notice : LogoutNotices(e.sid, e.subject, e.clients)) out.push_back(std::move(notice));
  }
  return out;
}

std::vector<LogoutNotice> Provider::LogoutNotices(const std::string& sid, const std::string& subject,
                                                  const std::set<std::string>& clients) {
  std::vector<LogoutNotice> out;
  UnixMicros now = options_.clock();
  for (const auto& id : clients) {
    auto c = clients_(id);
    if (!c.ok() || c->backchannel_logout_uri.empty()) continue;
    auto k = keys_.Signing(c->id_token_alg);
    auto jti = RandomToken(16);
    if (!k.ok() || !jti.ok()) continue;
    Json claims = {{"iss", options_.issuer},
                   {"aud", id},
                   {"iat", Seconds(now)},
                   {"exp", Seconds(now) + 120},
                   {"jti", *jti},
                   {"sub", subject},
                   {"sid", sid},
                   {"events", {{kBackchannelLogoutEvent, Json::object()}}}};
    auto token = SignJws(claims, k->key.get(), c->id_token_alg, k->kid, "logout+jwt");
    if (token.ok()) out.push_back({c->backchannel_logout_uri, *token});
  }
  return out;
}

}  // namespace riik::auth
