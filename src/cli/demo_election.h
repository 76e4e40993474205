// The demo election of `riik up`, made once in DIR/election/: a Riigikogu-like manifest
// (four districts covering every county, a contest of candidates in each) whose polls
// open at the first start, its board pinned to the vote service's signing key; and a
// 3-of-5 key ceremony by five demo trustees, their key shares sealed under their
// passphrases in DIR/trustees/ (theirs, not the state's: docs/voting.md shows how they
// decrypt and tally). The vote role makes the voter list from the population register at its first
// start.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace riik::cli {

// The demo trustees' passphrases: "trustee-1 demo" … "trustee-5 demo".
std::string DemoTrusteePassphrase(int trustee);

// Writes manifest.json and ceremony.json into `election_dir` unless they are there, and
// the trustees' sealed key shares (trustee-J.share) into `trustees_dir`. `board_cert`: the
// PEM certificate whose key signs the board. `polls`: how long the polls stay open from now.
// `officials`: the manifest's paper_vote_officials (their signing certificates' SHA-256).
Status PrepareDemoElection(const std::string& election_dir, const std::string& trustees_dir,
                           const std::string& board_cert, std::chrono::seconds polls,
                           const std::vector<std::string>& officials);

}  // namespace riik::cli
