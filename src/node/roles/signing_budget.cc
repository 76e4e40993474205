// SigningBudget (signing_budget.h).
#include "node/roles/signing_budget.h"

namespace riik::node {

void SigningBudget::Uncount(Entries::iterator it) {
  Entry& e = it->second;
  if (!e.counted) return;
  e.counted = false;
  --under_way_;
  if (auto c = per_caller_.find(e.caller); c != per_caller_.end() && --c->second == 0) per_caller_.erase(c);
  if (auto p = per_person_.find({e.caller, e.person}); p != per_person_.end()) {
    p->second.erase(it->first);
    if (p->second.empty()) per_person_.erase(p);
  }
}

void SigningBudget::Forget(Entries::iterator it) {
  Uncount(it);
  if (it->second.finished) kept_bytes_ -= it->second.bytes;
  entries_.erase(it);
}

void SigningBudget::AgeOut(Clock::time_point now) {
  while (!counted_.empty()) {
    auto it = entries_.find(counted_.front());
    if (it != entries_.end() && it->second.counted) {
      if (now - it->second.started < limits_.answer_within) break;
      Uncount(it);
    }
    counted_.pop_front();
  }
}

Status SigningBudget::Reserve(const std::string& id, const std::string& caller, const std::string& person,
                              Clock::time_point now) {
  AgeOut(now);
  auto mine = per_caller_.find(caller);
  if (under_way_ >= limits_.under_way || (mine != per_caller_.end() && mine->second >= limits_.per_caller)) {
    return ResourceExhausted("too many signatures in progress; try again shortly");
  }
  auto theirs = per_person_.find({caller, person});
  if (theirs != per_person_.end() && theirs->second.size() >= limits_.per_person) {
    return FailedPrecondition("the person has " + std::to_string(theirs->second.size()) +
                              " signings waiting in their app already: they decline there the ones they no longer mean "
                              "to sign, or wait 5 minutes");
  }
  if (!entries_.emplace(id, Entry{caller, person, now}).second) return Internal("a signing session id was made twice");
  ++under_way_;
  ++per_caller_[caller];
  per_person_[{caller, person}].insert(id);
  by_start_.push_back(id);
  counted_.push_back(id);
  return OkStatus();
}

std::vector<std::string> SigningBudget::UnderWay(const std::string& caller, const std::string& person) const {
  auto it = per_person_.find({caller, person});
  if (it == per_person_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void SigningBudget::Release(const std::string& id) {
  if (auto it = entries_.find(id); it != entries_.end()) Forget(it);
}

void SigningBudget::Finish(const std::string& id, size_t bytes) {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.finished) return;
  Uncount(it);
  it->second.finished = true;
  it->second.bytes = bytes;
  kept_bytes_ += bytes;
  finished_.push_back(id);
}

std::vector<std::string> SigningBudget::Expire(Clock::time_point now) {
  AgeOut(now);
  std::vector<std::string> gone;
  while (!by_start_.empty()) {
    auto it = entries_.find(by_start_.front());
    if (it != entries_.end()) {
      if (now - it->second.started < limits_.lifetime) break;
      gone.push_back(it->first);
      Forget(it);
    }
    by_start_.pop_front();
  }
  while (!finished_.empty() && kept_bytes_ > limits_.kept_bytes) {
    if (auto it = entries_.find(finished_.front()); it != entries_.end()) {
      gone.push_back(it->first);
      Forget(it);
    }
    finished_.pop_front();
  }
  // Ids forgotten out of order wait at the queues' fronts; keep those from growing.
  while (!finished_.empty() && !entries_.contains(finished_.front())) finished_.pop_front();
  return gone;
}

}  // namespace riik::node
