// The signings the portal has asked the signatures service for, each by the person's
// code and what is signed ("tax", "doc:ID", "vote"): what the pages show and poll, with
// the claims of starts not yet answered, so that one thing is not sent to a person's app
// twice. Bounded per person and in all, so that no one can fill it for others. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "portal/signing_view.h"

namespace riik::portal {

struct Signing {
  std::string session;      // at the signatures service
  std::string signed_from;  // a document's container SHA-256 as sent to be signed; a ballot's SHA-256
  int64_t year = 0;         // a tax return's
  SigningView shown;
  std::chrono::steady_clock::time_point started;
  int finish_tries = 0;       // finishes put off with kTryAgain
  bool finish_again = false;  // shown as finishing; the next poll finishes it again
};

class Signings {
 public:
  struct Limits {
    size_t in_all = 10'000;
    // Of one person's, not yet ended, with their starts under way: the signatures service
    // lets a person have 3 waiting in their app; the rest is for those being finished.
    size_t per_person = 8;
    size_t claim_waiters = 8;  // sends waiting for one start; more are answered at once
    std::chrono::steady_clock::duration lifetime = std::chrono::minutes(10);  // the signatures service's
  };
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  Signings();
  explicit Signings(Limits limits, Now now = std::chrono::steady_clock::now);

  // The signing of `subject`, unless there is none or its life is over.
  std::optional<Signing> Find(const std::string& code, const std::string& subject);
  // Keeps `signing` (or forgets the one there, for nullopt), ending the claim of its start
  // and answering the sends that waited for it. False when there is no room for it
  // (not kept): see Claim.
  bool Set(const std::string& code, const std::string& subject, std::optional<Signing> signing);
  // Applies `change` (which says whether it changed anything) to the signing of
  // `session`, under the lock; false if there is no such signing any more.
  bool Update(const std::string& code, const std::string& subject, const std::string& session,
              const std::function<bool(Signing&)>& change);

  // Whether this send may start a signing of `subject`: true when it holds the claim (no
  // signing under way that `goes_on` says it goes on with, none being started, and room
  // for one), until Set has the start's outcome (or EndClaim, if it did not start). False
  // when `otherwise` answers the send: at once if it goes on with the signing under way,
  // else once the start under way is answered, so that the page it leads to shows the
  // signing. FailedPrecondition when the person holds `per_person` signings not yet
  // ended, ResourceExhausted when `in_all` are held: refused before the person's app is
  // asked. (Ended and expired ones make room first.)
  Result<bool> Claim(const std::string& code, const std::string& subject,
                     const std::function<bool(const Signing&)>& goes_on, std::function<void()> otherwise);
  // Ends the claim of a start that did not come about, answering the sends that waited.
  void EndClaim(const std::string& code, const std::string& subject);

  size_t size() const;

 private:
  using Waiters = std::vector<std::function<void()>>;
  bool Expired(const Signing& signing, std::chrono::steady_clock::time_point now) const;
  Waiters TakeClaim(const std::string& key);                        // under mu_
  Status RoomFor(const std::string& code, const std::string& key);  // under mu_

  const Limits limits_;
  const Now now_;
  mutable std::mutex mu_;
  std::map<std::string, Signing> signings_;  // by "code|subject"
  std::map<std::string, Waiters> starting_;  // the same keys, of claims whose start is not yet answered
};

}  // namespace riik::portal
