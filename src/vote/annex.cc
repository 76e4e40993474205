// VerifyAnnex (annex.h).
#include "vote/annex.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "election/board.h"
#include "election/manifest.h"
#include "ledger/merkle.h"
#include "ledger/merkle_frontier.h"
#include "vote/paper_vote.h"
#include "vote/pseudonym.h"
#include "vote/signed_ballot.h"

namespace riik::vote {
namespace {

// A file's lines, each at most `max_bytes`: a longer one is refused, not held.
class Lines {
 public:
  Lines(const std::string& path, size_t max_bytes) : buffer_(max_bytes + 2) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) in_.open(path, std::ios::binary);
  }
  bool open() const { return in_.is_open() && in_.good(); }
  // The next line without its newline; nullopt at the end.
  Result<std::optional<std::string_view>> Next(const std::string& what) {
    if (!in_.getline(buffer_.data(), static_cast<std::streamsize>(buffer_.size()))) {
      if (in_.bad()) return Internal(what + ": reading stopped");
      if (!in_.eof()) return InvalidArgument(what + ": a line is too long");
      return std::optional<std::string_view>();
    }
    if (in_.eof()) return InvalidArgument(what + ": its last line does not end with a newline");
    return std::optional<std::string_view>(std::string_view(buffer_.data(), static_cast<size_t>(in_.gcount()) - 1));
  }

 private:
  std::ifstream in_;
  std::vector<char> buffer_;
};

constexpr size_t kMaxAnnexLineBytes = kMaxCastBytes / 3 * 4 + 1024;  // base64 of a container, and its entry

}  // namespace

Result<AnnexReport> VerifyAnnex(const std::string& record_dir, std::string_view board_root,
                                const std::string& annex_path, std::string_view pseudonym_secret,
                                const sign::VerifyOptions& verify, std::chrono::microseconds freshness) {
  ASSIGN_OR_RETURN(std::string manifest_json, ReadFileBounded(record_dir + "/manifest.json", 1 << 20));
  ASSIGN_OR_RETURN(election::Manifest manifest, election::ParseManifest(manifest_json));
  Lines board(record_dir + "/board.jsonl", election::kMaxBoardEntryBytes), annex(annex_path, kMaxAnnexLineBytes);
  if (!board.open()) return NotFound(record_dir + "/board.jsonl cannot be read");
  if (!annex.open()) return NotFound(annex_path + " cannot be read, or is not a regular file");
  AnnexReport report;
  report.officials_listed = !manifest.paper_vote_officials.empty();
  std::map<std::string, UnixMicros> last_signed;  // by voter: each ballot signed after the voter's one before
  std::set<std::string> seen;                     // the ballots' hashes
  ledger::MerkleFrontier read;                    // the board as read here, against board_root
  for (int64_t index = 0;; ++index) {
    ASSIGN_OR_RETURN(std::optional<std::string_view> leaf, board.Next("board.jsonl"));
    if (!leaf) break;
    read.Append(ledger::LeafHash(*leaf));
    ASSIGN_OR_RETURN(election::BoardEntry entry, election::ParseBoardEntry(*leaf));
    // The manifest read here is the board's: the statements are checked against its hash.
    if (index == 0 && (entry.kind != election::EntryKind::kOpening || entry.election != manifest.hash)) {
      return DataLoss("board.jsonl does not open with this record's manifest.json");
    }
    const bool ballot = entry.kind == election::EntryKind::kBallot;
    if (!ballot && entry.kind != election::EntryKind::kCancel) continue;
    const std::string at = "board entry " + std::to_string(index);
    const std::string what = ballot ? "a ballot with no signed container" : "a paper vote with no signed statement";
    ASSIGN_OR_RETURN(std::optional<std::string_view> line, annex.Next("the annex"));
    if (!line) return DataLoss(at + " is " + what + " in the annex");
    ASSIGN_OR_RETURN(Json j, ParseJson(*line, JsonLimits{kMaxAnnexLineBytes, 2}));
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "the annex's line for " + at, {"container", "entry"}));
    ASSIGN_OR_RETURN(int64_t named, f.Int("entry", 0, int64_t{1} << 40));
    if (named != index) {
      return DataLoss("the annex's next line is for entry " + std::to_string(named) + ", not for " + at + ": " + what +
                      ", or one the board does not hold");
    }
    ASSIGN_OR_RETURN(std::string container, f.Base64("container", kMaxCastBytes));
    if (!ballot) {
      // The statement the entry names, about the voter it names, signed before it.
      std::optional<std::string> hash = PaperVoteStatementHash(entry.reason);
      if (!hash) return DataLoss(at + " cancels i-votes without naming the polling station's statement");
      if (DigestHex(Sha256(container)) != *hash) return DataLoss(at + ": the annex holds another statement");
      Result<PaperVote> paper = OpenPaperVote(container, manifest, verify);
      if (!paper.ok()) return DataLoss(at + ": " + paper.status().message());
      if (VoterPseudonym(pseudonym_secret, paper->voter_code) != entry.voter) {
        return DataLoss(at + ": the statement is about someone who is not the voter the board names");
      }
      if (!StatementBefore(paper->signed_at, entry.time_us)) {
        return DataLoss(at + ": the statement was signed at " + FormatRfc3339(paper->signed_at) + ", after the entry");
      }
      ++report.paper_votes;
      ++report.officials[paper->official + " (" + paper->official_code + ")"];
      continue;
    }
    Result<SignedBallot> opened = OpenSignedBallot(container, verify);
    if (!opened.ok()) return DataLoss(at + ": " + opened.status().message());
    if (opened->ballot_json != entry.ballot) return DataLoss(at + ": the signed container holds another ballot");
    if (VoterPseudonym(pseudonym_secret, opened->signer_code) != entry.voter) {
      return DataLoss(at + ": the ballot is signed by someone who is not the voter the board names");
    }
    if (!SignedInTime(opened->signed_at, entry.time_us, freshness)) {
      return DataLoss(at + ": signed at " + FormatRfc3339(opened->signed_at) +
                      ", not shortly before the board took it (" + FormatRfc3339(entry.time_us) + ")");
    }
    // As the box takes them: never a ballot twice, nor one signed before the voter's last
    // (timestamps are to the second, so two in the same second are both taken).
    if (!seen.insert(DigestBytes(Sha256(entry.ballot))).second) {
      return DataLoss(at + ": the same ballot is on the board twice");
    }
    UnixMicros& before = last_signed[entry.voter];
    if (opened->signed_at < before) {
      return DataLoss(at + ": signed before the voter's ballot before it: an old ballot cast again");
    }
    before = opened->signed_at;
    ++report.ballots;
  }
  ASSIGN_OR_RETURN(std::optional<std::string_view> extra, annex.Next("the annex"));
  if (extra) return DataLoss("the annex holds more lines than the board has ballots and paper votes");
  if (DigestHex(read.Root()) != board_root) {
    return DataLoss(
        "board.jsonl is not the board that was verified (its entries have another root): it changed "
        "after the record was checked; check the record again, then its annex");
  }
  return report;
}

}  // namespace riik::vote
