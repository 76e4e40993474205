// The tally: the board's per-option sums decrypted by at least `threshold` trustees,
// each part with its proof, each count found from m·G; and its check by anyone against
// sums they recomputed from the board themselves. tally.json carries it
// (docs/formats/election-record.md, "Tally").
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "election/board_count.h"
#include "election/decryption.h"
#include "election/key_ceremony.h"

namespace riik::election {

struct OptionResult {
  std::string option;
  uint64_t count = 0;
  Ciphertext sum;
  std::vector<DecryptionPart> parts;
};

struct ContestResult {
  std::string contest;
  uint64_t ballots = 0;
  std::vector<OptionResult> options;
};

struct Tally {
  std::vector<ContestResult> contests;  // the manifest's order
};

// Decrypts `count`'s sums with the key shares of the trustees present (trustee → x_j, at
// least the threshold of them). InvalidArgument if too few, or a share does not match
// its public share.
Result<Tally> DecryptTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                           const BoardCount& count, const std::map<uint32_t, Scalar>& key_shares);

// Checks a published tally against the sums recomputed from the board: the same contests,
// options, sums and ballot counts; at least `threshold` parts from distinct trustees, each
// proven against its public share; and each count the one the parts decrypt to.
// InvalidArgument naming the contest, option or trustee and what does not hold.
Status VerifyTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony, const BoardCount& count,
                   const Tally& tally);

std::string TallyToJson(const Tally& tally);
Result<Tally> ParseTally(std::string_view json);

}  // namespace riik::election
