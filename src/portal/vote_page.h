// "Vote": the voter's election (the vote service's GET /election through the exchange),
// its contests for their district as a form that portal.js encrypts in the browser
// (ballot.js: the ballot never leaves the browser unencrypted, and the choices are not
// sent at all); the signing in the app with PIN2; the receipt with the verification
// app's command; a Benaloh challenge (an encrypted ballot opened instead of cast).
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "portal/signing_view.h"

namespace riik::portal {

// The vote service's routes as the exchange names them.
inline constexpr const char* kVoteElectionService = "EE/GOV/74000026/vote/election";
inline constexpr const char* kVoteBallotsService = "EE/GOV/74000026/vote/ballots";

inline constexpr size_t kMaxBallotFormBytes = 256 * 1024;

struct VotePage {
  Json election;                         // GET /election's answer
  const SigningView* signing = nullptr;  // the ballot being signed in the app
  Json receipt;                          // the last ballot's receipt, or null
  std::string check_url;                 // the vote service's public URL (the check), or empty
  std::string error;                     // a plain message, or empty
  std::string csrf;
};
std::string VoteBody(const VotePage& page, std::string_view lang);

// The signed container's content: ballot.json, checked to be a ballot's JSON (its shape
// and encodings; its proofs are the vote service's to check). InvalidArgument otherwise.
Result<std::string> BallotContainer(std::string_view ballot_json);

}  // namespace riik::portal
