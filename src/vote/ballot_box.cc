// The ballot box's rules (ballot_box.h).
#include "vote/ballot_box.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "election/ballot.h"
#include "election/board.h"
#include "election/record.h"
#include "identity/personal_code.h"
#include "sign/container.h"
#include "store/paged_scan.h"
#include "store/row_fields.h"
#include "transparency/stored_log.h"
#include "vote/paper_vote.h"
#include "vote/pseudonym.h"

namespace riik::vote {
namespace {

using election::BoardEntry;
using election::EntryKind;
using store::ColumnType;

// One row per registered ballot: its receipt's vote id and the voter's checks so far.
const std::string kReceipts = "vote_receipts";
// The auditors' annex: each ballot's signed container under the ballot's hash, and each
// paper vote's signed statement under the statement's own hash (both in `ballot_hash`).
const std::string kAnnex = "vote_annex";
// Per voter, the newest signature time of a ballot registered for them: a ballot signed
// before it is stale (kept by whoever carried it), across restarts too.
const std::string kSigned = "vote_signed";

std::vector<store::TableSchema> BoxTables() {
  return {{kReceipts,
           {{"vote_id", ColumnType::kText},
            {"ballot_hash", ColumnType::kText},
            {"voter", ColumnType::kText},
            {"received_us", ColumnType::kInt},
            {"checks", ColumnType::kInt}},
           {"vote_id"},
           {}},
          {kAnnex, {{"ballot_hash", ColumnType::kText}, {"container", ColumnType::kBlob}}, {"ballot_hash"}, {}},
          {kSigned, {{"voter", ColumnType::kText}, {"signed_us", ColumnType::kInt}}, {"voter"}, {}}};
}

std::string Sha256HexOf(std::string_view bytes) { return DigestHex(Sha256(bytes)); }

// A refusal's reason as the board keeps it: valid UTF-8 (a message may quote what was
// sent, and a leaf is strict JSON), at most kMaxReasonBytes, cut at a character.
std::string BoardReason(const std::string& message) {
  std::string text = message;
  if (!IsValidUtf8(text)) {
    for (char& c : text) c = static_cast<unsigned char>(c) < 0x80 ? c : '?';
  }
  return std::string(Utf8Prefix(text, election::kMaxReasonBytes));
}

// The key each kind of entry is stored under.
std::string BoardKeyOf(const BoardEntry& entry) {
  switch (entry.kind) {
    case EntryKind::kOpening:
      return "opening";
    case EntryKind::kBallot:
      return Sha256HexOf(entry.ballot);
    case EntryKind::kCancel:
      return entry.voter;
    case EntryKind::kRefused:  // never a ballot's key, whatever was sent
      return "refused:" + HexEncode(entry.ballot_hash);
    case EntryKind::kClosing:
      return "closing";
  }
  return "";
}

}  // namespace

namespace {

// The annex's container kept under `sha256_hex`; NotFound saying `missing` if none.
Result<std::string> AnnexContainer(store::Store& store, const std::string& sha256_hex, const char* missing) {
  ASSIGN_OR_RETURN(auto row, store.Get(kAnnex, {{"ballot_hash", sha256_hex}}));
  std::optional<std::string> container = row ? store::TextField(*row, "container") : std::nullopt;
  if (!container) return NotFound(missing);
  return *container;
}

}  // namespace

Result<std::string> StoredContainer(store::Store& store, std::string_view ballot_json) {
  return AnnexContainer(store, Sha256HexOf(ballot_json), "the box holds no signed container for the ballot");
}

Result<std::string> StoredStatement(store::Store& store, std::string_view sha256_hex) {
  return AnnexContainer(store, std::string(sha256_hex), "the box holds no signed statement for the paper vote");
}

Status CheckBoardLeaf(const std::string& key, const std::string& leaf) {
  auto entry = election::ParseBoardEntry(leaf);
  if (!entry.ok()) return DataLoss("is not a board entry: " + entry.status().message());
  if (election::BoardEntryToLeaf(*entry) != leaf) return DataLoss("is not in canonical form");
  if (BoardKeyOf(*entry) != key) return DataLoss("is stored under another key than its own");
  return OkStatus();
}

BallotBox::BallotBox(store::Store& store, std::unique_ptr<transparency::SignedLog> board, BallotBoxOptions options)
    : store_(store), board_(std::move(board)), log_id_(board_->log_id()), options_(std::move(options)) {}

BallotBox::~BallotBox() { board_.reset(); }  // seals what is in flight, answering each (callbacks touch no board_)

Result<std::unique_ptr<BallotBox>> BallotBox::Open(store::Store& store, std::unique_ptr<transparency::SignedLog> board,
                                                   BallotBoxOptions options) {
  const election::Manifest& manifest = options.election.manifest;
  if (board->log_id() != election::BoardLogId(manifest)) {
    return FailedPrecondition("the board's log is " + board->log_id() + ", not this election's (" +
                              election::BoardLogId(manifest) + ")");
  }
  if (options.pseudonym_secret.size() < kPseudonymSecretBytes) {
    return InvalidArgument("the pseudonym secret must be at least 32 bytes");
  }
  if (manifest.board_timestamped_within > 0 && !board->timestamped()) {
    return FailedPrecondition(
        "the manifest requires the board's heads timestamped, but the board has no TSA (give the vote role "
        "tsa_url)");
  }
  RETURN_IF_ERROR(store.EnsureTables(BoxTables()));
  std::unique_ptr<BallotBox> box(new BallotBox(store, std::move(board), std::move(options)));
  RETURN_IF_ERROR(box->Restore());
  // The board's signer for the receipts (its chain does not change while the box runs).
  ASSIGN_OR_RETURN(Json head, box->board_->LatestHeadJson());
  for (const Json& pem : head["certificates"]) {
    if (pem.is_string()) box->certificates_.push_back(pem.get<std::string>());
  }
  return box;
}

// The rules' state from the board's entries, and the opening on an empty board.
Status BallotBox::Restore() {
  const ElectionSetup& setup = options_.election;
  const std::string voter_list_root = setup.voters.Root();
  bool opened = false;
  RETURN_IF_ERROR(transparency::ForEachStoredLeaf(
      store_, board_->log_id(), [&](int64_t index, const std::string&, const std::string& leaf) -> Status {
        ASSIGN_OR_RETURN(BoardEntry entry, election::ParseBoardEntry(leaf));
        const std::string where = "board entry " + std::to_string(index);
        if (index == 0) {
          if (entry.kind != EntryKind::kOpening) return DataLoss(where + " is not the opening");
          if (entry.election != setup.manifest.hash || !(entry.key == setup.key) ||
              entry.voter_list_root != voter_list_root) {
            return FailedPrecondition(
                "the board was opened for another manifest, election key or voter list than this set-up's");
          }
          opened = true;
        }
        last_time_ = std::max(last_time_, entry.time_us);
        if (entry.kind == EntryKind::kCancel) cancelled_.insert(entry.voter);
        if (entry.kind == EntryKind::kClosing) closed_ = true;
        if (entry.kind == EntryKind::kBallot) ballots_.insert(Sha256HexOf(entry.ballot));
        return OkStatus();
      }));
  RETURN_IF_ERROR(store::ForEachRowByKey(store_, kSigned, "voter", "voter, signed_us", [&](const store::Row& row) {
    last_signed_[store::TextOr(row, "voter")] = store::IntField(row, "signed_us").value_or(0);
    return OkStatus();
  }));
  if (opened) return OkStatus();
  if (board_->size() != 0) return DataLoss("the board has entries but no opening");
  BoardEntry opening;
  opening.kind = EntryKind::kOpening;
  opening.election = setup.manifest.hash;
  opening.key = setup.key;
  opening.voter_list_root = voter_list_root;
  std::future<Status> result;
  {
    std::lock_guard lock(mu_);
    opening.time_us = NextTimeLocked();
    result = AppendEntry(opening);
  }
  return result.get();
}

UnixMicros BallotBox::NextTimeLocked() {
  last_time_ = std::max(last_time_, options_.clock());
  if (options_.head_clock) options_.head_clock->NotBefore(last_time_);
  return last_time_;
}

bool BallotBox::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::string BallotBox::Held() const { return closed() ? "" : TimestampsLag(options_.clock()); }

std::string BallotBox::TimestampsLag(UnixMicros now) const {
  const int64_t within = options_.election.manifest.board_timestamped_within;
  if (within <= 0) return "";
  std::optional<UnixMicros> oldest = board_->oldest_pending_timestamp();
  if (oldest && now - *oldest > within / 2) return "the board's timestamps are behind (the TSA does not answer)";
  return "";
}

Result<BoxVoter> BallotBox::Voter(std::string_view personal_code) const {
  std::string voter = VoterPseudonym(options_.pseudonym_secret, personal_code);
  const std::string* district = options_.election.voters.DistrictOf(voter);
  if (!district) return NotFound("you are not on this election's voter list");
  return BoxVoter{std::move(voter), *district};
}

Result<BallotBox::Examined> BallotBox::Examine(std::string_view container, std::string_view personal_code,
                                               const std::string& voter) {
  const election::Manifest& manifest = options_.election.manifest;
  const std::string* district = options_.election.voters.DistrictOf(voter);
  if (!district) return PermissionDenied("the voter is not on this election's voter list");
  ASSIGN_OR_RETURN(SignedBallot signed_ballot, OpenSignedBallot(container, options_.verify));
  if (signed_ballot.signer_code != personal_code) {
    return PermissionDenied("the ballot is signed by someone other than the voter signed in");
  }
  // Signed just now: a container signed earlier (kept by whoever carried it) cannot be
  // cast later, over the voter's newer ballot.
  if (!SignedInTime(signed_ballot.signed_at, options_.clock(), options_.signature_freshness)) {
    return InvalidArgument("the ballot was signed at " + FormatRfc3339(signed_ballot.signed_at) +
                           ", not just now: sign it again");
  }
  std::string& json = signed_ballot.ballot_json;
  auto ballot = election::ParseBallot(json);
  if (!ballot.ok()) return InvalidArgument("ballot.json: " + ballot.status().message());
  // One spelling per ballot: what the board keeps is what the verifier reads back, and a
  // ballot re-spelled with other whitespace is the same ballot (a replay), not another.
  if (election::BallotToJson(*ballot) != json) {
    return InvalidArgument("ballot.json is not in the ballot's canonical form (docs/formats/election-record.md)");
  }
  if (ballot->voter != voter) return PermissionDenied("the ballot is made out for another voter");
  RETURN_IF_ERROR(election::VerifyBallot(manifest, options_.election.key, *district, *ballot));
  return Examined{std::move(json), *district, signed_ballot.signed_at};
}

void BallotBox::Cast(std::string container, std::string_view personal_code, CastDone done) {
  if (!identity::PersonalCode::Parse(personal_code).ok()) {
    return done(InvalidArgument("the voter's personal code is not valid"));  // the caller's fault: not registered
  }
  const std::string voter = VoterPseudonym(options_.pseudonym_secret, personal_code);
  auto examined = Examine(container, personal_code, voter);  // the costly part, outside the lock
  // The receipt's row and the signed container (the auditors' annex) are stored before
  // the ballot goes on the board: a receipt is never answered without them. A row whose
  // ballot does not reach the board names nothing the check would find.
  std::string vote_id, ballot_hash;
  if (closed()) return done(FailedPrecondition("the board is closed: the polls have closed"));
  if (examined.ok()) {
    ballot_hash = Sha256HexOf(examined->ballot_json);
    auto random = RandomBytes(16);
    if (!random.ok()) return done(random.status());
    vote_id = HexEncode(*random);
    Status written =
        store_
            .Write([&](store::WriteTxn& txn) -> Status {
              RETURN_IF_ERROR(txn.Put(kReceipts, {{"vote_id", vote_id},
                                                  {"ballot_hash", ballot_hash},
                                                  {"voter", voter},
                                                  {"received_us", options_.clock()},
                                                  {"checks", int64_t{0}}}));
              ASSIGN_OR_RETURN(auto last, txn.Get(kSigned, {{"voter", voter}}));
              if (!last || store::IntField(*last, "signed_us").value_or(0) < examined->signed_at) {
                RETURN_IF_ERROR(txn.Put(kSigned, {{"voter", voter}, {"signed_us", examined->signed_at}}));
              }
              // The first container of a ballot is kept (a replay signed later is refused).
              ASSIGN_OR_RETURN(auto kept, txn.Get(kAnnex, {{"ballot_hash", ballot_hash}}));
              if (kept) return OkStatus();
              return txn.Put(kAnnex, {{"ballot_hash", ballot_hash}, {"container", store::Blob{container}}});
            })
            .status();
    if (!written.ok()) {
      spdlog::error("vote: a ballot's receipt could not be stored: {}", written.message());
      return done(Unavailable("the ballot could not be registered; nothing was cast, try again"));
    }
  }
  std::lock_guard lock(mu_);
  // Nothing follows the closing, not even a refusal.
  if (closed_) return done(FailedPrecondition("the board is closed: the polls have closed"));
  if (!examined.ok()) return RefuseLocked(voter, container, examined.status(), std::move(done));
  const election::Manifest& manifest = options_.election.manifest;
  const UnixMicros now = NextTimeLocked();
  if (now < manifest.opens) {
    return RefuseLocked(voter, container, FailedPrecondition("the polls open at " + FormatRfc3339(manifest.opens)),
                        std::move(done));
  }
  if (now >= manifest.closes) {
    return RefuseLocked(voter, container, FailedPrecondition("the polls closed at " + FormatRfc3339(manifest.closes)),
                        std::move(done));
  }
  if (cancelled_.contains(voter)) {
    return RefuseLocked(voter, container,
                        FailedPrecondition("the voter has voted on paper; an i-vote can no longer be cast"),
                        std::move(done));
  }
  // Against the entry's own time, which is what the auditors' annex checks (the check in
  // Examine came before the store's write and the wait for the lock).
  if (!SignedInTime(examined->signed_at, now, options_.signature_freshness)) {
    return RefuseLocked(voter, container,
                        InvalidArgument("the ballot was signed at " + FormatRfc3339(examined->signed_at) +
                                        ", not just now: sign it again"),
                        std::move(done));
  }
  // The voter is asked to try again while the board's timestamps lag (Held).
  if (std::string held = TimestampsLag(now); !held.empty())
    return done(Unavailable(held + "; nothing was cast, try again shortly"));
  // Stale: signed before a ballot already registered for the voter. The store keeps the
  // newest signature time of every ballot given a receipt row (a restart starts from it),
  // so it may be newer than this, never older.
  UnixMicros& newest = last_signed_[voter];
  if (examined->signed_at < newest) {
    return RefuseLocked(voter, container,
                        InvalidArgument("the ballot was signed before the voter's last registered one"),
                        std::move(done));
  }
  newest = examined->signed_at;
  if (!ballots_.insert(ballot_hash).second) {
    return RefuseLocked(voter, container, InvalidArgument("this ballot is already on the board (a replay)"),
                        std::move(done));
  }
  BoardEntry entry;
  entry.kind = EntryKind::kBallot;
  entry.time_us = now;
  entry.voter = voter;
  entry.ballot = std::move(examined->ballot_json);
  std::string leaf = election::BoardEntryToLeaf(entry);
  if (leaf.size() > election::kMaxBoardEntryBytes) {
    ballots_.erase(ballot_hash);
    return RefuseLocked(voter, container, InvalidArgument("the ballot is too large for the board"), std::move(done));
  }
  // On a sealing thread once the ballot is durable under a signed head: the receipt.
  board_->Append(ballot_hash, std::move(leaf),
                 [this, ballot_hash, vote_id, now, done = std::move(done)](Result<transparency::Receipt> receipt) {
                   if (!receipt.ok()) {
                     spdlog::error("vote: a ballot could not be registered: {}", receipt.status().message());
                     {
                       std::lock_guard relock(mu_);
                       ballots_.erase(ballot_hash);
                     }
                     return done(Unavailable("the ballot could not be registered; nothing was cast, try again"));
                   }
                   CastReceipt out;
                   out.ballot_hash = ballot_hash;
                   out.vote_id = vote_id;
                   out.time_us = now;
                   out.leaf_index = receipt->leaf_index;
                   out.head = {log_id_, receipt->tree_size, receipt->root, receipt->time_us, receipt->signature};
                   out.certificates = certificates_;
                   done(std::move(out));
                 });
}

void BallotBox::RefuseLocked(const std::string& voter, std::string_view container, Status refusal, CastDone done) {
  BoardEntry entry;
  entry.kind = EntryKind::kRefused;
  entry.time_us = NextTimeLocked();
  entry.voter = voter;
  Digest sent = Sha256(container);
  entry.ballot_hash = DigestBytes(sent);
  entry.reason = BoardReason(refusal.message());
  board_->Append(BoardKeyOf(entry), election::BoardEntryToLeaf(entry),
                 [refusal = std::move(refusal), done = std::move(done)](Result<transparency::Receipt> receipt) {
                   if (!receipt.ok()) {
                     spdlog::error("vote: a refusal could not be registered: {}", receipt.status().message());
                     return done(Unavailable("the ballot was not taken, and the refusal could not be registered"));
                   }
                   done(refusal);
                 });
}

std::future<Status> BallotBox::AppendEntry(const BoardEntry& entry) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> result = promise->get_future();
  board_->Append(BoardKeyOf(entry), election::BoardEntryToLeaf(entry),
                 [promise](Result<transparency::Receipt> receipt) { promise->set_value(receipt.status()); });
  return result;
}

Status BallotBox::CancelForPaperVote(std::string_view personal_code, std::string_view statement) {
  ASSIGN_OR_RETURN(BoxVoter voter, Voter(personal_code));
  ASSIGN_OR_RETURN(PaperVote paper, OpenPaperVote(statement, options_.election.manifest, options_.verify));
  if (paper.voter_code != personal_code) {
    return InvalidArgument("the statement is about another voter's paper vote");
  }
  if (closed()) return FailedPrecondition("the board is closed");
  // The statement must come before the entry that cites it: checked before the statement
  // is kept, and again against the entry's own time below (which differs only if the
  // clock stepped back meanwhile).
  auto before = [&paper](UnixMicros when) {
    return StatementBefore(paper.signed_at, when)
               ? OkStatus()
               : InvalidArgument("the statement is timestamped after now (" + FormatRfc3339(paper.signed_at) + ")");
  };
  RETURN_IF_ERROR(before(options_.clock()));
  // Kept before its entry goes on the board (under the statement's own hash, beside the
  // ballots' containers): the annex has it for every cancellation the board names.
  const std::string statement_hash = Sha256HexOf(statement);
  RETURN_IF_ERROR(store_
                      .Write([&](store::WriteTxn& txn) -> Status {
                        return txn.Put(kAnnex, {{"ballot_hash", statement_hash},
                                                {"container", store::Blob{std::string(statement)}}});
                      })
                      .status());
  std::unique_lock lock(mu_);
  if (closed_) return FailedPrecondition("the board is closed");
  BoardEntry entry;
  entry.kind = EntryKind::kCancel;
  entry.time_us = NextTimeLocked();
  RETURN_IF_ERROR(before(entry.time_us));
  entry.voter = voter.voter;
  entry.reason = PaperVoteReason(statement);
  // Kept even if the entry does not reach the board: the box errs towards the paper
  // vote (an i-vote refused is on the board too, and the operator can enter it again).
  cancelled_.insert(voter.voter);
  std::future<Status> result = AppendEntry(entry);  // under the lock (the board's order) …
  lock.unlock();
  return result.get();  // … waited for outside it
}

Status BallotBox::Close() {
  std::unique_lock lock(mu_);
  if (closed_) return FailedPrecondition("the board is already closed");
  const UnixMicros now = NextTimeLocked();
  const election::Manifest& manifest = options_.election.manifest;
  if (now < manifest.closes) {
    return FailedPrecondition("the polls close at " + FormatRfc3339(manifest.closes) +
                              "; the board can be closed only after");
  }
  BoardEntry entry;
  entry.kind = EntryKind::kClosing;
  entry.time_us = now;
  closed_ = true;
  std::future<Status> result = AppendEntry(entry);
  lock.unlock();
  Status st = result.get();
  if (!st.ok()) {
    lock.lock();
    closed_ = false;
  }
  return st;
}

Result<Json> BallotBox::Check(std::string_view vote_id) {
  if (vote_id.size() != 32 || !HexDecode(vote_id).ok() || HexEncode(*HexDecode(vote_id)) != vote_id) {
    return InvalidArgument("a vote id is 32 lower-case hex digits");
  }
  ASSIGN_OR_RETURN(auto row, store_.Get(kReceipts, {{"vote_id", std::string(vote_id)}}));
  if (!row) return NotFound("no ballot has this vote id");
  const std::string ballot_hash = store::TextOr(*row, "ballot_hash");
  const UnixMicros cast = store::IntField(*row, "received_us").value_or(0);
  if (options_.clock() - cast > options_.check_window.count()) {
    return FailedPrecondition("a ballot can be checked within " +
                              std::to_string(options_.check_window.count() / 60'000'000) +
                              " minutes of casting; this one was cast at " + FormatRfc3339(cast));
  }
  ASSIGN_OR_RETURN(Json entries, board_->EntriesFor(ballot_hash));  // Unavailable: not counted
  if (!entries.is_array() || entries.empty()) return NotFound("no ballot on the board has this vote id");
  int64_t left = 0;
  Status counted = store_
                       .Write([&](store::WriteTxn& txn) -> Status {
                         ASSIGN_OR_RETURN(auto now, txn.Get(kReceipts, {{"vote_id", std::string(vote_id)}}));
                         if (!now) return NotFound("no ballot has this vote id");
                         const int64_t checks = store::IntField(*now, "checks").value_or(0);
                         if (checks >= options_.max_checks) {
                           return ResourceExhausted("this ballot has been checked " +
                                                    std::to_string(options_.max_checks) + " times, the most allowed");
                         }
                         (*now)["checks"] = checks + 1;
                         left = options_.max_checks - checks - 1;
                         return txn.Put(kReceipts, *now);
                       })
                       .status();
  // Unavailable here (a database connection lost at the commit) does not say the check
  // went uncounted, so it must not read as "not taken, ask again" (Unavailable above does).
  if (counted.code() == Code::kUnavailable) {
    return Internal("this check may or may not have been counted: " + counted.message());
  }
  RETURN_IF_ERROR(counted);
  return Json{{"ballot_hash", ballot_hash}, {"checks_left", left}, {"entries", std::move(entries)}};
}

}  // namespace riik::vote
