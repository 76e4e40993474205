// The ballot box: the vote service's rules, without HTTP (the vote role serves them).
//
// A voter, signed in with the eID, casts a ballot encrypted on their side and signed with
// their eID's signing key (PIN2) as an ASiC-E container holding one file, ballot.json.
// The box checks the container's one signature (its certificate chain, timestamp and
// OCSP answer: sign/verify.h) and that its signer is the voter signed in; that the voter
// is on the list; and every proof of the ballot for the voter's district. Then it
// registers the ballot on the board, the election's signed log (transparency/): a leaf
// under a signed, timestamped tree head, and answers a receipt. Whatever it refuses is
// registered too, as a refusal with its reason.
//
// The board's entries come in one order with times that never go back, and the counting
// rules of election/board_count.h hold for them by construction: no ballot outside the
// polls' window, none after a voter's paper vote (a cancellation), nothing after the
// closing. A replayed ballot (the same ballot.json) is refused, and so is a ballot signed
// more than 10 minutes before it arrives, or before the voter's last one.
//
// The voter's check (IVXV's model): with the receipt's vote id, the voter's app fetches
// the ballot's board entry with its proofs within 30 minutes of casting, at most 3 times,
// and opens it with the randomness only the voter's side holds.
//
// The signed containers are kept in the service's store (the auditors' annex), each under
// its ballot's hash; the board carries the ballots alone.
//
// Thread-safe. Cast answers through a callback, which may run on the caller's thread (a
// refusal's store error) or a sealing thread of the board's signed log.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "election/board.h"
#include "sign/verify.h"
#include "store/store.h"
#include "transparency/signed_log.h"
#include "vote/election_setup.h"
#include "vote/signed_ballot.h"

namespace riik::vote {

// The signed container a ballot was cast in (the auditors' annex), found by the ballot's
// JSON as it stands on the board; NotFound if the box holds none.
Result<std::string> StoredContainer(store::Store& store, std::string_view ballot_json);
// A paper vote's signed statement (paper_vote.h), found by its SHA-256 (hex) as its cancel
// entry names it; NotFound if the box holds none.
Result<std::string> StoredStatement(store::Store& store, std::string_view sha256_hex);

struct BallotBoxOptions {
  ElectionSetup election;
  std::string pseudonym_secret;  // pseudonym.h
  sign::VerifyOptions verify;    // the trust the voters' signatures are checked against
  Clock clock = SystemClock();   // entry times (never going back), freshness, the check's window
  // The clock the board's log dates its heads by (SignedLogOptions::clock reading it): each
  // entry's time is given to it, so that no head is dated before an entry it covers.
  std::shared_ptr<MonotonicClock> head_clock;
  std::chrono::microseconds check_window = std::chrono::minutes(30);
  // How long before its arrival a ballot's signature may have been timestamped.
  std::chrono::microseconds signature_freshness = std::chrono::minutes(10);
  int max_checks = 3;
};

struct CastReceipt {
  std::string ballot_hash;  // hex SHA-256 of ballot.json as cast
  std::string vote_id;      // 32 hex digits: what the voter's app checks the ballot with
  UnixMicros time_us = 0;   // when the board registered it
  int64_t leaf_index = 0;
  transparency::SignedTreeHead head;      // the signed head that covers it
  std::vector<std::string> certificates;  // its signer's chain (PEM, signer first)
};

// A voter as the box knows them.
struct BoxVoter {
  std::string voter;     // pseudonym
  std::string district;  // the manifest's district id
};

// The board's LeafCheck (transparency::SignedLog, VerifyLog): each leaf a board entry
// stored under its key, the ballot's hash (hex) for a ballot, what was sent's hash for a
// refusal ("refused:" and the hex), the voter for a cancellation, "opening" and
// "closing" for those.
Status CheckBoardLeaf(const std::string& key, const std::string& leaf);

class BallotBox {
 public:
  using CastDone = std::function<void(Result<CastReceipt>)>;

  // Opens the box over `board` (the election's log, in `store`; its log id must be
  // election::BoardLogId of the manifest), rebuilding its state from the board's
  // entries, and registers the opening entry on an empty board. FailedPrecondition if
  // the board is another election's or its opening commits to another key or list.
  static Result<std::unique_ptr<BallotBox>> Open(store::Store& store, std::unique_ptr<transparency::SignedLog> board,
                                                 BallotBoxOptions options);
  ~BallotBox();  // waits for receipts in flight
  BallotBox(const BallotBox&) = delete;
  BallotBox& operator=(const BallotBox&) = delete;

  // The voter with this personal code: NotFound if not on the list.
  Result<BoxVoter> Voter(std::string_view personal_code) const;

  // Casts `container` for the voter `personal_code` (11 digits) signed in. `done` gets
  // the receipt once the ballot is durably on the board under a signed head; or the
  // refusal (InvalidArgument, PermissionDenied, FailedPrecondition) saying why, once the
  // refusal is on the board; or Unavailable if the board could not record either.
  void Cast(std::string container, std::string_view personal_code, CastDone done);

  // The voter's check: {"ballot_hash", "checks_left", "entries"} (the ballot's board
  // entry with its inclusion proof, signed head and timestamp, transparency/entry_export.h).
  // NotFound for an unknown vote id; FailedPrecondition past the window; ResourceExhausted
  // after max_checks; Unavailable while the entry's head awaits its timestamp (not counted).
  Result<Json> Check(std::string_view vote_id);

  // A paper vote: the voter's i-votes are cancelled (none counts) and no later one is
  // taken, on the polling station's signed `statement` (paper_vote.h), which is kept for
  // the auditors and named by its hash on the board. InvalidArgument if the statement does
  // not hold or names another voter; NotFound if the voter is not on the list;
  // FailedPrecondition once closed.
  Status CancelForPaperVote(std::string_view personal_code, std::string_view statement);
  // Closes the board: FailedPrecondition before the polls close. Nothing is taken after.
  Status Close();

  const ElectionSetup& election() const { return options_.election; }
  transparency::SignedLog& board() { return *board_; }
  bool closed() const;
  // Why an open box takes no ballot now, or "" when it takes them: the manifest
  // requires every entry under a timestamped head soon after it, and the TSA has not
  // stamped the board for half that long (the record would not verify). The vote role's
  // /healthz says it too.
  std::string Held() const;

 private:
  struct Examined {
    std::string ballot_json;
    std::string district;
    UnixMicros signed_at = 0;  // the signature's timestamp
  };

  BallotBox(store::Store& store, std::unique_ptr<transparency::SignedLog> board, BallotBoxOptions options);
  Status Restore();
  Result<Examined> Examine(std::string_view container, std::string_view personal_code, const std::string& voter);
  // Registers a refusal (the lock held) and answers `refusal` once it is on the board.
  void RefuseLocked(const std::string& voter, std::string_view container, Status refusal, CastDone done);
  // Appends an entry (the lock held: the board's order); the future says once it is stored.
  std::future<Status> AppendEntry(const election::BoardEntry& entry);
  UnixMicros NextTimeLocked();
  // Held's reason, without looking at closed_ (the cast path holds the lock).
  std::string TimestampsLag(UnixMicros now) const;

  store::Store& store_;
  std::unique_ptr<transparency::SignedLog> board_;
  const std::string log_id_;
  std::vector<std::string> certificates_;  // the board's signer chain (PEM)
  BallotBoxOptions options_;

  mutable std::mutex mu_;  // the board's order: times, the rules' state, each Append
  UnixMicros last_time_ = 0;
  bool closed_ = false;
  std::set<std::string, std::less<>> cancelled_;  // voters with a paper vote
  std::unordered_set<std::string> ballots_;       // hashes of ballots on the board, or on their way
  // Each voter's newest registered ballot's signature time (the vote_signed table's, so
  // across restarts): a ballot signed before it is refused.
  std::unordered_map<std::string, UnixMicros> last_signed_;
};

}  // namespace riik::vote
