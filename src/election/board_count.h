// The counting rules, applied to the board's entries in order, as the vote server
// applies them and as any verifier recomputes them:
//  - the first entry opens the election: this manifest, this key, this voter list;
//  - a ballot entry must be by a listed voter, inside the polls' window, for the voter's
//    district, and every proof must hold (the board holds only ballots that were checked);
//  - a voter's last ballot counts, earlier ones are superseded (re-voting);
//  - a cancel entry (a paper vote) means none of that voter's i-votes counts;
//  - a refused entry changes nothing; it is there so that a refusal is on the record.
// The sums are the per-option sums of the counted ballots' ciphertexts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "election/ballot.h"
#include "election/board.h"
#include "election/voter_list.h"

namespace riik::election {

struct ContestSum {
  std::string contest;
  std::vector<Ciphertext> options;  // in the manifest's order
  uint64_t ballots = 0;             // counted ballots that contain the contest
};

struct BoardCount {
  std::vector<ContestSum> sums;  // every contest, in the manifest's order
  uint64_t entries = 0, ballots = 0, counted = 0, superseded = 0, cancelled = 0, refused = 0;
};

class BoardCounter {
 public:
  BoardCounter(const Manifest& manifest, const Point& key, const VoterList& voters)
      : manifest_(manifest), key_(key), voters_(voters) {}

  // The next entry; InvalidArgument naming the entry's index and what breaks the rules.
  Status Add(const BoardEntry& entry);
  // The count over every entry added; FailedPrecondition if the board was never opened.
  Result<BoardCount> Finish() const;

 private:
  struct VoterState {
    std::vector<std::vector<Ciphertext>> ballot;  // the last ballot's selections, per contest
    bool has_ballot = false, cancelled = false;
  };
  Status AddBallot(const BoardEntry& entry, const std::string& where);

  const Manifest& manifest_;
  const Point key_;
  const VoterList& voters_;
  bool opened_ = false;
  uint64_t index_ = 0, ballots_ = 0, superseded_ = 0, refused_ = 0;
  std::map<std::string, VoterState, std::less<>> state_;
};

}  // namespace riik::election
