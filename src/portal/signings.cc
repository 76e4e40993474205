// Signings (signings.h).
#include "portal/signings.h"

namespace riik::portal {
namespace {

std::string Key(const std::string& code, const std::string& subject) { return code + "|" + subject; }

}  // namespace

Signings::Signings() : Signings(Limits{}) {}

Signings::Signings(Limits limits, Now now) : limits_(limits), now_(std::move(now)) {}

bool Signings::Expired(const Signing& signing, std::chrono::steady_clock::time_point now) const {
  return now - signing.started > limits_.lifetime;
}

std::optional<Signing> Signings::Find(const std::string& code, const std::string& subject) {
  std::lock_guard lock(mu_);
  auto it = signings_.find(Key(code, subject));
  if (it == signings_.end()) return std::nullopt;
  if (Expired(it->second, now_())) {
    signings_.erase(it);  // over at the signatures service too
    return std::nullopt;
  }
  return it->second;
}

bool Signings::Set(const std::string& code, const std::string& subject, std::optional<Signing> signing) {
  Waiters waiting;
  bool kept = true;
  {
    std::lock_guard lock(mu_);
    const std::string key = Key(code, subject);
    if (!signing) {
      signings_.erase(key);
      return true;
    }
    waiting = TakeClaim(key);  // its start is answered
    kept = RoomFor(code, key).ok();
    if (kept) signings_[key] = std::move(*signing);
  }
  for (auto& answer : waiting) answer();
  return kept;
}

bool Signings::Update(const std::string& code, const std::string& subject, const std::string& session,
                      const std::function<bool(Signing&)>& change) {
  std::lock_guard lock(mu_);
  auto it = signings_.find(Key(code, subject));
  if (it == signings_.end() || it->second.session != session) return false;  // gone, or a newer signing
  return change(it->second);
}

Result<bool> Signings::Claim(const std::string& code, const std::string& subject,
                             const std::function<bool(const Signing&)>& goes_on, std::function<void()> otherwise) {
  {
    std::lock_guard lock(mu_);  // one step: a start answered meanwhile ends its claim under the same lock
    const std::string key = Key(code, subject);
    auto it = signings_.find(key);
    const bool going_on = it != signings_.end() && !Expired(it->second, now_()) &&
                          !SigningEnded(it->second.shown.state) && goes_on(it->second);
    if (!going_on) {
      auto claim = starting_.find(key);
      if (claim == starting_.end()) {
        RETURN_IF_ERROR(RoomFor(code, key));
        starting_.emplace(key, Waiters());
        return true;
      }
      if (claim->second.size() < limits_.claim_waiters) {
        claim->second.push_back(std::move(otherwise));
        return false;
      }
    }
  }
  otherwise();
  return false;
}

void Signings::EndClaim(const std::string& code, const std::string& subject) {
  Waiters waiting;
  {
    std::lock_guard lock(mu_);
    waiting = TakeClaim(Key(code, subject));
  }
  for (auto& answer : waiting) answer();
}

size_t Signings::size() const {
  std::lock_guard lock(mu_);
  return signings_.size();
}

Signings::Waiters Signings::TakeClaim(const std::string& key) {
  auto claim = starting_.find(key);
  if (claim == starting_.end()) return {};
  Waiters waiting = std::move(claim->second);
  starting_.erase(claim);
  return waiting;
}

Status Signings::RoomFor(const std::string& code, const std::string& key) {
  if (signings_.contains(key)) return OkStatus();  // takes its place
  const auto now = now_();
  const std::string prefix = code + "|";  // a personal code is 11 digits: no one's is another's prefix
  auto held = [&] {
    size_t n = 0;
    for (auto it = signings_.lower_bound(prefix); it != signings_.end() && it->first.starts_with(prefix); ++it) ++n;
    for (auto it = starting_.lower_bound(prefix); it != starting_.end() && it->first.starts_with(prefix); ++it) ++n;
    return n;
  };
  if (held() >= limits_.per_person) {
    for (auto it = signings_.lower_bound(prefix); it != signings_.end() && it->first.starts_with(prefix);) {
      const bool over = Expired(it->second, now) || SigningEnded(it->second.shown.state);
      it = over ? signings_.erase(it) : std::next(it);
    }
    if (held() >= limits_.per_person) {
      return FailedPrecondition("the person has as many signings under way as the portal keeps for one");
    }
  }
  if (signings_.size() + starting_.size() >= limits_.in_all) {
    // Full: those whose lives are over go first (a look-up drops only the one it finds).
    std::erase_if(signings_, [&](const auto& one) { return Expired(one.second, now); });
    if (signings_.size() + starting_.size() >= limits_.in_all) {
      return ResourceExhausted("the portal holds as many signings under way as it keeps");
    }
  }
  return OkStatus();
}

}  // namespace riik::portal
