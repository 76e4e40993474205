// The election's voter list in the vote service's own store: written once, at the first
// start (from the population register's roll, or the organiser's voters.jsonl), and read
// at every start after. It is state like the board: journaled, and shipped to the data
// embassy with the store, so that a restored service opens its board with the same list.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "election/manifest.h"
#include "election/voter_list.h"
#include "store/store.h"

namespace riik::vote {

// The stored list, or nullopt if none was stored whole (a start cut short leaves none).
// DataLoss if the rows do not make the list the store says it holds. With
// `pseudonym_secret`, FailedPrecondition unless it is the secret the list was made with
// (a restore without the vaulted secret would otherwise find no voter on the list).
Result<std::optional<election::VoterList>> LoadVoterList(store::Store& store, const election::Manifest& manifest,
                                                         const std::string* pseudonym_secret = nullptr);
// Stores `voters`, made with `pseudonym_secret` (in transactions of at most 10,000 rows;
// the count, root and a check value of the secret last); FailedPrecondition if a list is
// stored already.
Status SaveVoterList(store::Store& store, const election::VoterList& voters, const std::string& pseudonym_secret);

}  // namespace riik::vote
