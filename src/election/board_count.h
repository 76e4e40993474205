// The counting rules, applied to the board's entries in order, as the vote server
// applies them and as any verifier recomputes them (docs/formats/election-record.md,
// "Board"):
//  - the first entry opens the election: this manifest, this key, this voter list;
//  - entries' times never go back;
//  - a ballot entry must be by a listed voter, inside the polls' window, for the voter's
//    district, and every proof must hold (the board holds only ballots that were checked);
//  - a voter's last ballot counts, earlier ones are superseded (re-voting);
//  - a cancel entry (a paper vote) means none of that voter's i-votes counts;
//  - a refused entry changes nothing; it is there so that a refusal is on the record;
//  - the closing entry, at or after the polls' close, ends the board: nothing follows it,
//    and a board without it is not final (nothing is decrypted from it).
// The counter is the checking side's (a verifier's, or the server's own check of its
// board): ballots' proofs are checked in batches, so a ballot that does not hold is
// reported by a later Add or by Finish, and any error means the board as a whole is
// refused — Add is not for deciding whether to register one ballot (VerifyBallot is).
// The sums are the per-option sums of the counted ballots' ciphertexts. The counter also
// keeps the Merkle root of the leaves it was given (RFC 9162), which the board's signed
// heads must match and the trustees' decryptions are bound to.
#pragma once

#include <deque>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "election/ballot.h"
#include "election/board.h"
#include "election/voter_list.h"
#include "ledger/merkle_frontier.h"

namespace riik::election {

struct ContestSum {
  std::string contest;
  std::vector<Ciphertext> options;  // in the manifest's order
  uint64_t ballots = 0;             // counted voters whose district has the contest
};

struct BoardCount {
  std::vector<ContestSum> sums;  // every contest, in the manifest's order
  uint64_t entries = 0, ballots = 0, counted = 0, superseded = 0, cancelled = 0, refused = 0;
  std::string board_root;  // the Merkle root of every leaf (32 bytes)
};

class BoardCounter {
 public:
  // `threads`: how many batches of proofs are checked at once (0: one per core).
  BoardCounter(const Manifest& manifest, const Point& key, const VoterList& voters, unsigned threads = 0);
  ~BoardCounter();

  // The next leaf; InvalidArgument naming the entry's index and what breaks the rules.
  Status Add(std::string_view leaf);
  // The Merkle root of the leaves added so far.
  ledger::Hash Root() const { return frontier_.Root(); }
  uint64_t size() const { return index_; }
  UnixMicros last_time() const { return last_time_; }
  // The count over every entry added; FailedPrecondition if the board was never opened
  // or is not closed; InvalidArgument if a ballot's proofs (checked in batches, so this
  // is where the last batch is checked) do not hold.
  Result<BoardCount> Finish();

 private:
  struct VoterState {
    std::vector<std::vector<Ciphertext>> ballot;  // the last ballot's selections, per contest
    bool has_ballot = false, cancelled = false;
  };
  Status AddEntry(const BoardEntry& entry, const std::string& where);
  Status AddBallot(const BoardEntry& entry, const std::string& where);
  struct Pending {
    uint64_t index;
    std::string district;
    Ballot ballot;
  };
  // Hands the ballots waiting to a checking thread, as one batch; at most `threads_`
  // batches are checked at once (the oldest is waited for first).
  Status CheckPending();
  // Waits for the oldest batch being checked; its verdict.
  Status WaitOldest();
  static Status CheckBatch(const Manifest& manifest, const Point& key, std::vector<Pending>& batch);

  std::vector<Pending> pending_;  // ballots whose proofs are not checked yet
  size_t pending_bytes_ = 0;      // their JSON
  unsigned threads_ = 1;
  std::deque<std::future<Status>> checking_;

  const Manifest& manifest_;
  const Point key_;
  const VoterList& voters_;
  ledger::MerkleFrontier frontier_;
  bool opened_ = false, closed_ = false;
  UnixMicros last_time_ = 0;
  uint64_t index_ = 0, ballots_ = 0, superseded_ = 0, refused_ = 0;
  std::map<std::string, VoterState, std::less<>> state_;
};

}  // namespace riik::election
