// A ballot: a voter's selections in each contest of their district, encrypted under the
// election key, with a proof that each selection is 0 or 1 and that each contest's
// total is within its limits. Proofs are bound to the election (the manifest's hash),
// the voter's pseudonymous id, the contest and the option, so that no part of one
// ballot passes as part of another.
//
// The voter's side encrypts (EncryptBallot: riik's own clients and tests; the portal
// does the same in the browser); the board checks (VerifyBallot). Ballots travel as
// JSON (docs/formats/election-record.md, "Ballot"), read by ParseBallot with limits.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "election/manifest.h"
#include "election/range_proof.h"

namespace riik::election {

inline constexpr size_t kMaxBallotBytes = 512 * 1024;
inline constexpr size_t kMaxVoterIdBytes = 64;

struct EncryptedSelection {
  Ciphertext vote;  // 0 or 1
  RangeProof proof;
};

struct ContestBallot {
  std::string contest;
  std::vector<EncryptedSelection> selections;  // one per option, in the manifest's order
  RangeProof total_proof;                      // their sum in [min, max]
  Ciphertext Total() const;
};

struct Ballot {
  std::string election;  // the manifest's hash (32 bytes)
  std::string voter;     // pseudonymous voter id
  std::vector<ContestBallot> contests;
};

// What a voter chose in one contest: the ids of the options selected.
struct Choice {
  std::string contest;
  std::vector<std::string> selected;
};

// The randomness of every selection (contest by contest, option by option): what the
// voter's check uses to see what the ballot holds, and what a spoiled ballot discloses.
using BallotRandomness = std::vector<std::vector<Scalar>>;

struct EncryptedBallot {
  Ballot ballot;
  BallotRandomness randomness;
};

// Encrypts `choices` (one per contest of `district`, in any order) for `voter`;
// InvalidArgument if a contest is not the district's, is missing or repeated, an option
// is unknown or repeated, or the count is outside the contest's limits.
Result<EncryptedBallot> EncryptBallot(const Manifest& manifest, const Point& key, std::string_view voter,
                                      std::string_view district, std::span<const Choice> choices);

// Checks a ballot as the board does: for this election, exactly the contests of the
// voter's district, one selection per option, every proof holding. InvalidArgument
// saying which contest, option and check failed.
Status VerifyBallot(const Manifest& manifest, const Point& key, std::string_view district, Ballot& ballot);

// Many ballots checked as VerifyBallot checks each, their proofs in one batch
// (batch_check.h): several times quicker for a board or a record. OkStatus if all hold.
// Else: the first ballot whose shape is wrong (checked for all before any proof), or
// failing that the first whose proofs do not hold, as "ballot N: " and the reason.
struct BallotToCheck {
  std::string_view district;
  Ballot* ballot;
};
Status VerifyBallots(const Manifest& manifest, const Point& key, std::span<BallotToCheck> ballots);

// What a ballot holds, opened with its randomness: the selected options' ids per
// contest; InvalidArgument if the randomness is not this ballot's.
Result<std::vector<Choice>> OpenBallot(const Manifest& manifest, const Point& key, const Ballot& ballot,
                                       const BallotRandomness& randomness);

// The verification app's opening: the ballot's proofs checked under `key`, for the
// district its contests are of, and only then opened with the voter's randomness. A
// voting device and a vote service that collude could otherwise show a voter their own
// choice from a ballot that holds another, by giving the check another key (K − d·G for
// a d the device chose its randomness by); the proofs bind the key the ballot was made
// under, so under any other they fail. InvalidArgument saying which.
Result<std::vector<Choice>> OpenCheckedBallot(const Manifest& manifest, const Point& key, Ballot& ballot,
                                              const BallotRandomness& randomness);

// The randomness as the voter's side keeps it for the check: a JSON array of the contests'
// arrays of base64 scalars, and back (InvalidArgument for anything else, a scalar that is
// not canonical, or more than the manifest's limits).
std::string RandomnessToJson(const BallotRandomness& randomness);
Result<BallotRandomness> ParseRandomness(std::string_view json);

// JSON and back. ParseBallot checks the shape, sizes and encodings (every element
// valid and not the identity, every scalar canonical) but not the proofs.
std::string BallotToJson(const Ballot& ballot);
Result<Ballot> ParseBallot(std::string_view json);
// The receipt's hash: SHA-256 of the ballot's JSON as cast (32 bytes).
std::string BallotHash(std::string_view ballot_json);

}  // namespace riik::election
