// The election record: everything anyone needs to recompute and check the result, as a
// directory of files (docs/formats/election-record.md, "The record"):
//
//   manifest.json     the manifest as published
//   ceremony.json     every trustee's commitments and proofs of knowledge
//   voters.jsonl      the pseudonymous voter list
//   board.jsonl       the board's leaves, one per line, in order
//   board_heads.jsonl the board's signed tree heads as published while it grew, oldest
//                     first, the last over every entry; a signer's chain with the first
//                     head of each run of heads it signs
//   tally.json        the decrypted tally with every trustee's parts and proofs
//
// VerifyRecord is the independent verifier (`riik vote verify`): it trusts nothing but
// the state's root certificate and recomputes every step.
#pragma once

#include <openssl/x509.h>

#include <functional>
#include <string>
#include <vector>

#include "election/board_count.h"
#include "election/tally.h"
#include "election/voter_list.h"

namespace riik::election {

struct ElectionRecord {
  std::string manifest_json;
  std::vector<TrusteeCommitments> ceremony;
  VoterList voters;
  std::vector<std::string> board;  // leaves, in order
  // Each {"certificates": [PEM…], "head": {…}}, or {"head": {…}} signed by the chain of the
  // head before it; oldest first.
  std::vector<std::string> board_heads;
  Tally tally;
};

// The board's log id: "election:" + the manifest's id.
std::string BoardLogId(const Manifest& manifest);

// Writes the record's files into `dir` (made if missing), each atomically.
Status WriteRecord(const std::string& dir, const ElectionRecord& record);

struct RecordReport {
  Manifest manifest;
  std::vector<TrusteeCommitments> ceremony;
  BoardCount count;
  Tally tally;
  uint64_t voters = 0;
  std::string board_root;  // hex
  std::string board_signer;
  uint64_t timestamps = 0;           // heads with a TSA token, each checked
  uint64_t timestamped_entries = 0;  // entries checked against the manifest's board_timestamped_within
};

// Steps 1-5 of VerifyRecord, without tally.json: the board's count as the record proves
// it (what a trustee decrypts, and what the tally must match). `tally` is left empty.
Result<RecordReport> CountRecord(const std::string& dir, X509* trust_root,
                                 const std::function<void(uint64_t)>& progress = nullptr);

// Checks the record in `dir` end to end: the manifest; every trustee's commitments and
// the election key; the voter list; every board entry under the counting rules (every
// ballot's proofs); every signed head of the board against the entries it covered (so an
// entry dropped after a head was published is found), each signature and signer's chain
// to `trust_root`, the last head over exactly the entries there are; the tally against sums recomputed from the board,
// with every decryption proof. The first failure, naming the file and what does not
// hold. `progress` (if set) is told the board entries checked so far.
Result<RecordReport> VerifyRecord(const std::string& dir, X509* trust_root,
                                  const std::function<void(uint64_t)>& progress = nullptr);

}  // namespace riik::election
