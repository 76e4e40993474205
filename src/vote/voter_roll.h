// The election's voter list from the population register's electoral roll
// (registry/voter_roll.h): each person on the roll becomes a pseudonymous voter
// (pseudonym.h) in the district whose counties include the county of their address on
// the cut-off date. Persons whose county is in no district of this election are left
// out (a local election's roll may be the whole country's).
#pragma once

#include <string_view>

#include "core/status.h"
#include "election/manifest.h"
#include "election/voter_list.h"

namespace riik::vote {

inline constexpr size_t kMaxRollBytes = size_t{256} << 20;

struct RollOutcome {
  election::VoterList voters;
  size_t outside = 0;  // persons on the roll in no district of the election
};

// Reads the roll (JSON lines {"code","county"}): InvalidArgument naming the line for one
// that is not such an object, a personal code that is not valid, or a person twice.
Result<RollOutcome> VoterListFromRoll(std::string_view roll, const election::Manifest& manifest,
                                      std::string_view pseudonym_secret);

}  // namespace riik::vote
