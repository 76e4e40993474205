// What remote signing (remote_signing.h) may hold at once. A session is under way from
// its start until it is signed or refused, or until the sign-in service would no longer
// take the person's answer (`answer_within`: a session nobody finishes stops counting
// then); sessions under way are capped in all, per calling member, and per person a
// member asks to sign (so that one person cannot take a member's places from everyone
// else it serves: the portal asks for every citizen). A finished
// session's signed container is kept for its caller to collect until the session's
// `lifetime` ends, within a byte budget: past it, the oldest finished are forgotten
// first. Every operation is O(log n) or amortised O(1); nothing scans every session.
//
// Not thread-safe: the owner calls it under its own lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace riik::node {

class SigningBudget {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    size_t under_way = 100;
    size_t per_caller = 20;
    size_t per_person = 3;  // of one caller's, for one person
    size_t kept_bytes = 256u << 20;
    std::chrono::seconds answer_within{300};  // the sign-in service's signing lifetime
    std::chrono::seconds lifetime{600};       // a session's whole life, collection included
  };

  explicit SigningBudget(Limits limits) : limits_(limits) {}

  // A place for session `id` of `caller`, for `person`, starting `now`: ResourceExhausted
  // at the caps in all and per caller, FailedPrecondition at the person's (that many of
  // theirs are under way: waiting in their app, or answered there and not asked since).
  Status Reserve(const std::string& id, const std::string& caller, const std::string& person, Clock::time_point now);
  // The sessions of `caller` for `person` under way.
  std::vector<std::string> UnderWay(const std::string& caller, const std::string& person) const;
  // The session did not start after all: its place is free again.
  void Release(const std::string& id);
  // The session is signed or refused, keeping `bytes` for its caller.
  void Finish(const std::string& id, size_t bytes);
  // The sessions to forget `now` (their lifetime over, or the oldest finished while the
  // kept bytes are over the budget); they are no longer counted.
  std::vector<std::string> Expire(Clock::time_point now);

  bool Holds(const std::string& id) const { return entries_.contains(id); }
  size_t under_way() const { return under_way_; }
  size_t kept_bytes() const { return kept_bytes_; }

 private:
  struct Entry {
    std::string caller, person;
    Clock::time_point started;
    bool counted = true;  // under way
    bool finished = false;
    size_t bytes = 0;
  };
  using Entries = std::map<std::string, Entry>;
  void Uncount(Entries::iterator it);
  void Forget(Entries::iterator it);
  // Sessions under way past `answer_within` stop counting.
  void AgeOut(Clock::time_point now);

  Limits limits_;
  Entries entries_;
  std::map<std::string, size_t> per_caller_;  // sessions under way per caller
  // The ids of the sessions under way per caller and person.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> per_person_;
  std::deque<std::string> by_start_;  // every session, oldest first (some forgotten already)
  std::deque<std::string> counted_;   // sessions under way, oldest first (some no longer)
  std::deque<std::string> finished_;  // finished sessions, oldest first (some forgotten already)
  size_t under_way_ = 0;
  size_t kept_bytes_ = 0;
};

}  // namespace riik::node
