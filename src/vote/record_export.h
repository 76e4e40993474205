// The election record's files that the vote service holds, written for publication
// (docs/formats/election-record.md, "The record"): manifest.json, ceremony.json and
// voters.jsonl as the service was set up with them, and the board as its signed log
// stores it: board.jsonl (every leaf, in order) and board_heads.jsonl (every signed
// tree head, oldest first, a signer's chain written with the first head it signs). The trustees add tally.json
// (`riik vote decrypt`, `riik vote tally`).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "store/store.h"
#include "vote/election_setup.h"

namespace riik::vote {

struct ExportedBoard {
  int64_t entries = 0;
  int64_t heads = 0;
};

// Writes the files into `dir` (made 0755 if missing), each atomically. FailedPrecondition
// unless the board's last entry is its closing: a record is published once, final.
// `progress` (if set) is told the entries written so far.
Result<ExportedBoard> ExportRecord(store::Store& store, const ElectionSetup& setup, const std::string& dir,
                                   const std::function<void(int64_t)>& progress = nullptr);

// What an annex holds: a container per ballot, a statement per paper vote.
struct AnnexCounts {
  int64_t ballots = 0;
  int64_t paper_votes = 0;
};

// The auditors' annex (annex.h) of the closed board: `path`, 0600 (the containers name
// the voters), one line per ballot entry and per cancel entry in board order, {"entry":
// N, "container": base64 ASiC-E} (the ballot's signed container, or the paper vote's
// signed statement). DataLoss if one is missing. What was written.
Result<AnnexCounts> ExportAnnex(store::Store& store, const ElectionSetup& setup, const std::string& path,
                                const std::function<void(int64_t)>& progress = nullptr);

}  // namespace riik::vote
