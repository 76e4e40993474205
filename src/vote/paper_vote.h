// A paper vote's evidence: the polling station's statement that a voter voted on paper,
// which cancels their i-votes. An official signs it with their eID (PIN2) as an ASiC-E
// container holding paper-vote.json alone:
//
//   {"election": "<the manifest's hash, hex>", "format": "riik-paper-vote-v1",
//    "voter": "<the voter's personal code>"}
//
// The ballot box takes a cancellation only with such a statement, names the statement's
// SHA-256 in the board's cancel entry (so the public record commits to it without naming
// the voter), and keeps the container for the auditors' annex, where every cancellation
// is checked against its statement (annex.h). Without it the operator could cancel any
// voter's i-votes and the record would still verify.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/sha256.h"
#include "election/manifest.h"
#include "sign/verify.h"

namespace riik::vote {

inline constexpr std::string_view kPaperVoteFileName = "paper-vote.json";

// paper-vote.json for `voter_code` in the election whose manifest hash (its 32 bytes) is
// `election`.
std::string PaperVoteJson(std::string_view election, std::string_view voter_code);

struct PaperVote {
  std::string voter_code;     // whose i-votes it cancels
  std::string official_code;  // who signed it
  std::string official;       // the official's name, as their certificate gives it
  UnixMicros signed_at = 0;   // the signature's timestamp
};

// Checks a statement (OpenSignedFile, with `verify`'s trust): paper-vote.json in its
// format, for the election of `manifest`, signed by someone other than the voter, and
// with a certificate of the manifest's paper_vote_officials when it names them.
// InvalidArgument saying what is wrong.
Result<PaperVote> OpenPaperVote(std::string_view container, const election::Manifest& manifest,
                                sign::VerifyOptions verify);

// Whether a statement timestamped at `signed_at` may stand behind a cancel entry of
// `entry_time`: made before it (a minute's allowance for clocks). The box and the annex
// apply the same rule.
bool StatementBefore(UnixMicros signed_at, UnixMicros entry_time);

// The cancel entry's reason for a paper vote with statement `container`:
// "paper vote; statement sha256:<hex>".
std::string PaperVoteReason(std::string_view container);
// The statement's SHA-256 (hex) that a cancel entry's reason names; nullopt if it names none.
std::optional<std::string> PaperVoteStatementHash(std::string_view reason);

}  // namespace riik::vote
