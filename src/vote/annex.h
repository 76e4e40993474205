// The election record's auditors' annex: the signed container each ballot on the board
// was cast in (ExportAnnex, record_export.h, writes it). The record alone proves the
// count of the board; the annex proves the board's ballots are the voters': each was
// signed with a listed voter's PIN2 key, shortly before the board took it. Without it an
// operator holding the board key could add ballots for voters who did not vote, or a
// newer one over a voter's own, and the record would still verify. It also holds each
// paper vote's signed statement (paper_vote.h), so that no cancellation of a voter's
// i-votes rests on the operator's word alone. The containers name
// the voters, so the annex goes to auditors, not the public; with it they need the
// election's pseudonym secret (vote/pseudonym.key), which links a signer's personal code
// to the voter list's pseudonym. Format: docs/formats/election-record.md, "Annex".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sign/verify.h"

namespace riik::vote {

struct AnnexReport {
  int64_t ballots = 0;
  int64_t paper_votes = 0;
  std::map<std::string, int64_t> officials;  // who signed the paper votes' statements: how many each
  // Whether the manifest names the officials (each statement was then signed with a
  // certificate it lists); if not, the auditors match the names above against theirs.
  bool officials_listed = false;
};

// Checks the annex at `annex_path` against the board of the record in `record_dir`. Run
// VerifyRecord on the record first: this trusts its board, and `board_root` is the root
// it verified (RecordReport::board_root, hex); the board read here must have that root,
// so the annex is checked against the board that was verified even if the file changed
// in between (DataLoss if not). For every ballot entry, in
// order, exactly one annex line, whose container holds exactly the entry's ballot,
// signed (OpenSignedBallot, with `verify`'s trust) by the person whose pseudonym under
// `pseudonym_secret` is the entry's voter, and timestamped no more than `freshness`
// before the entry's time (and no later than a minute after it), and each of a voter's
// ballots signed no earlier than the one before it, and no ballot twice (no old ballot
// cast again). For every cancel entry, exactly one annex line: the polling station's
// statement whose hash the entry names (paper_vote.h), for this election, about the voter
// the entry names, signed by an official before the entry. DataLoss naming the entry and
// what fails.
Result<AnnexReport> VerifyAnnex(const std::string& record_dir, std::string_view board_root,
                                const std::string& annex_path, std::string_view pseudonym_secret,
                                const sign::VerifyOptions& verify,
                                std::chrono::microseconds freshness = std::chrono::minutes(10));

}  // namespace riik::vote
