// The tally: the board's per-option sums decrypted by at least `threshold` trustees,
// each part with its proof, each count found from m·G; and its check by anyone against
// sums they recomputed from the board themselves. tally.json carries it
// (docs/formats/election-record.md, "Tally").
#pragma once

#include <map>
#include <optional>
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

// One trustee's part of the tally: its decryption share of every option's sum, each with
// its proof (trustee j computes it on its own machine with its key share x_j). An option
// nobody's ballot counted in has no part. InvalidArgument if x_j is not the share the
// ceremony made for j.
// An option whose summed α is the identity needs no decryption (β is then m·G itself:
// no counted ballot, or randomness that happened to cancel out) and has no part.
struct TrusteeDecryption {
  uint32_t trustee = 0;
  std::vector<std::vector<std::optional<DecryptionPart>>> parts;  // [contest][option]
};
Result<TrusteeDecryption> DecryptAsTrustee(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                                           const BoardCount& count, uint32_t trustee, const Scalar& key_share);
std::string TrusteeDecryptionToJson(const TrusteeDecryption& d);
Result<TrusteeDecryption> ParseTrusteeDecryption(std::string_view json);

// The tally from the trustees' parts (at least the threshold of distinct trustees), each
// part checked against its trustee's public share first. InvalidArgument naming the
// trustee, contest and option of a part that does not hold.
Result<Tally> CombineTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                           const BoardCount& count, std::span<const TrusteeDecryption> decryptions);

// Both in one place, for tests and demos: the trustees present (trustee → x_j).
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
