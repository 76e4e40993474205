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
#include "store/row_fields.h"
#include "transparency/stored_log.h"
#include "vote/pseudonym.h"

namespace riik::vote {
namespace {

using election::BoardEntry;
using election::EntryKind;
using store::ColumnType;

// One row per registered ballot: its receipt's vote id and the voter's checks so far.
const std::string kReceipts = "vote_receipts";
// The signed containers, each under its ballot's hash: the auditors' annex.
const std::string kAnnex = "vote_annex";

std::vector<store::TableSchema> Tables() {
  return {{kReceipts,
           {{"vote_id", ColumnType::kText},
            {"ballot_hash", ColumnType::kText},
            {"voter", ColumnType::kText},
            {"leaf_index", ColumnType::kInt},
            {"cast_us", ColumnType::kInt},
            {"checks", ColumnType::kInt}},
           {"vote_id"},
           {}},
          {kAnnex, {{"ballot_hash", ColumnType::kText}, {"container", ColumnType::kBlob}}, {"ballot_hash"}, {}}};
}

std::string Sha256HexOf(std::string_view bytes) { return DigestHex(Sha256(bytes)); }

// A refusal's reason as the board keeps it: at most kMaxReasonBytes, cut at a character.
std::string BoardReason(const std::string& message) {
  if (message.size() <= election::kMaxReasonBytes) return message;
  size_t cut = election::kMaxReasonBytes;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  return message.substr(0, cut);
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
    case EntryKind::kRefused:
      return HexEncode(entry.ballot_hash);
    case EntryKind::kClosing:
      return "closing";
  }
  return "";
}

}  // namespace

Status CheckBoardLeaf(const std::string& key, const std::string& leaf) {
  auto entry = election::ParseBoardEntry(leaf);
  if (!entry.ok()) return DataLoss("is not a board entry: " + entry.status().message());
  if (election::BoardEntryToLeaf(*entry) != leaf) return DataLoss("is not in canonical form");
  if (BoardKeyOf(*entry) != key) return DataLoss("is stored under another key than its own");
  return OkStatus();
}

BallotBox::BallotBox(store::Store& store, std::unique_ptr<transparency::SignedLog> board, BallotBoxOptions options)
    : store_(store), board_(std::move(board)), options_(std::move(options)) {}

BallotBox::~BallotBox() {
  board_.reset();  // seals what is in flight: the callbacks hand their rows to the writer …
  writer_.Stop();  // … which writes them
}

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
  RETURN_IF_ERROR(store.EnsureTables(Tables()));
  std::unique_ptr<BallotBox> box(new BallotBox(store, std::move(board), std::move(options)));
  RETURN_IF_ERROR(box->Restore());
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
  return last_time_;
}

bool BallotBox::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
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
  if (container.size() > kMaxCastBytes) {
    return InvalidArgument("the signed ballot is larger than " + std::to_string(kMaxCastBytes) + " bytes");
  }
  sign::VerifyOptions verify = options_.verify;
  verify.limits.max_archive_bytes = kMaxCastBytes;
  verify.limits.max_total_bytes = 4 * kMaxCastBytes;
  verify.limits.max_entry_bytes = std::min<uint64_t>(verify.limits.max_entry_bytes, verify.limits.max_total_bytes);
  sign::VerificationReport report = sign::VerifyContainer(container, verify);
  if (!report.container_error.empty()) {
    return InvalidArgument("the signed ballot is not a valid ASiC-E container: " + report.container_error);
  }
  if (report.signatures.size() != 1) {
    return InvalidArgument("a ballot carries exactly one signature, the voter's; this one has " +
                           std::to_string(report.signatures.size()));
  }
  const sign::SignatureReport& signature = report.signatures[0];
  if (signature.verdict != sign::Verdict::kValid && signature.verdict != sign::Verdict::kWarning) {
    return InvalidArgument("the ballot's signature is " + std::string(sign::VerdictName(signature.verdict)) +
                           (signature.errors.empty() ? std::string() : ": " + signature.errors[0]));
  }
  if (signature.signer_id != "PNOEE-" + std::string(personal_code)) {
    return PermissionDenied("the ballot is signed by someone other than the voter signed in");
  }
  auto read = sign::ReadContainer(container, verify.limits);
  if (!read.ok()) return InvalidArgument("the signed ballot cannot be read: " + read.status().message());
  if (read->files.size() != 1 || read->files[0].name != kBallotFileName) {
    return InvalidArgument("the signed container must hold one file, " + std::string(kBallotFileName));
  }
  std::string& json = read->files[0].content;
  if (json.size() > election::kMaxBallotBytes) return InvalidArgument("ballot.json is too large");
  auto ballot = election::ParseBallot(json);
  if (!ballot.ok()) return InvalidArgument("ballot.json: " + ballot.status().message());
  if (ballot->voter != voter) return PermissionDenied("the ballot is made out for another voter");
  RETURN_IF_ERROR(election::VerifyBallot(manifest, options_.election.key, *district, *ballot));
  return Examined{std::move(json), *district};
}

void BallotBox::Cast(std::string container, std::string_view personal_code, CastDone done) {
  if (!identity::PersonalCode::Parse(personal_code).ok()) {
    return done(InvalidArgument("the voter's personal code is not valid"));  // the caller's fault: not registered
  }
  const std::string voter = VoterPseudonym(options_.pseudonym_secret, personal_code);
  auto examined = Examine(container, personal_code, voter);  // the costly part, outside the lock
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
  std::string ballot_hash = Sha256HexOf(examined->ballot_json);
  if (!ballots_.insert(ballot_hash).second) {
    return RefuseLocked(voter, container, InvalidArgument("this ballot is already on the board (a replay)"),
                        std::move(done));
  }
  BoardEntry entry;
  entry.kind = EntryKind::kBallot;
  entry.time_us = now;
  entry.voter = voter;
  entry.ballot = std::move(examined->ballot_json);
  board_->Append(ballot_hash, election::BoardEntryToLeaf(entry),
                 [this, ballot_hash, voter, container = std::move(container), now,
                  done = std::move(done)](Result<transparency::Receipt> receipt) mutable {
                   Registered(std::move(receipt), std::move(ballot_hash), std::move(voter), std::move(container), now,
                              std::move(done));
                 });
}

// On the sealer thread: the row is written on the box's writer, then the voter answered.
void BallotBox::Registered(Result<transparency::Receipt> receipt, std::string ballot_hash, std::string voter,
                           std::string container, UnixMicros time_us, CastDone done) {
  if (!receipt.ok()) {
    spdlog::error("vote: a ballot could not be registered: {}", receipt.status().message());
    {
      std::lock_guard lock(mu_);
      ballots_.erase(ballot_hash);
    }
    return done(Unavailable("the ballot could not be registered; nothing was cast, try again"));
  }
  auto task = [this, receipt = std::move(*receipt), ballot_hash = std::move(ballot_hash), voter = std::move(voter),
               container = std::move(container), time_us, done = std::move(done)]() mutable {
    CastReceipt out;
    out.ballot_hash = ballot_hash;
    out.time_us = time_us;
    out.leaf_index = receipt.leaf_index;
    out.head = {board_->log_id(), receipt.tree_size, receipt.root, receipt.time_us, receipt.signature};
    auto random = RandomBytes(16);
    if (!random.ok()) return done(random.status());
    out.vote_id = HexEncode(*random);
    Status written =
        store_
            .Write([&](store::WriteTxn& txn) {
              RETURN_IF_ERROR(txn.Put(kReceipts, {{"vote_id", out.vote_id},
                                                  {"ballot_hash", ballot_hash},
                                                  {"voter", voter},
                                                  {"leaf_index", out.leaf_index},
                                                  {"cast_us", time_us},
                                                  {"checks", int64_t{0}}}));
              return txn.Put(kAnnex, {{"ballot_hash", ballot_hash}, {"container", store::Blob{std::move(container)}}});
            })
            .status();
    if (!written.ok()) {
      // The ballot is on the board and counts; only its check and annex row are missing.
      spdlog::error("vote: a registered ballot's receipt row was not stored: {}", written.message());
      return done(Unavailable("the ballot was registered, but its receipt could not be stored; vote again to get one"));
    }
    done(std::move(out));
  };
  writer_.Submit([shared = std::make_shared<decltype(task)>(std::move(task))] { (*shared)(); });
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

Status BallotBox::CancelForPaperVote(std::string_view personal_code) {
  ASSIGN_OR_RETURN(BoxVoter voter, Voter(personal_code));
  std::unique_lock lock(mu_);
  if (closed_) return FailedPrecondition("the board is closed");
  BoardEntry entry;
  entry.kind = EntryKind::kCancel;
  entry.time_us = NextTimeLocked();
  entry.voter = voter.voter;
  entry.reason = "paper vote";
  cancelled_.insert(voter.voter);
  std::future<Status> result = AppendEntry(entry);  // under the lock (the board's order) …
  lock.unlock();
  Status st = result.get();  // … waited for outside it
  if (!st.ok()) {
    // Not on the board: later ballots of the voter are taken again, as the board says.
    lock.lock();
    cancelled_.erase(voter.voter);
  }
  return st;
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
  const UnixMicros cast = store::IntField(*row, "cast_us").value_or(0);
  if (options_.clock() - cast > options_.check_window.count()) {
    return FailedPrecondition("a ballot can be checked within " +
                              std::to_string(options_.check_window.count() / 60'000'000) +
                              " minutes of casting; this one was cast at " + FormatRfc3339(cast));
  }
  ASSIGN_OR_RETURN(Json entries, board_->EntriesFor(ballot_hash));  // Unavailable: not counted
  int64_t left = 0;
  RETURN_IF_ERROR(store_
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
                      .status());
  return Json{{"ballot_hash", ballot_hash}, {"checks_left", left}, {"entries", std::move(entries)}};
}

}  // namespace riik::vote
