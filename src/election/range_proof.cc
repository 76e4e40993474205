// Disjunctive Chaum–Pedersen range proofs.
#include "election/range_proof.h"

#include "election/fast_check.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

Status CheckRange(uint64_t lo, uint64_t hi) {
  if (hi < lo) return InvalidArgument("an empty range");
  if (hi - lo >= kMaxRangeBranches) {
    return InvalidArgument("a range of more than " + std::to_string(kMaxRangeBranches) + " values");
  }
  return OkStatus();
}

Scalar Challenge(std::string_view election, std::string_view context, const Point& key, const Ciphertext& c,
                 uint64_t lo, uint64_t hi, const RangeProof& proof) {
  Transcript t("riik-election-v1/range", election);
  t.Add("context", context).Add("K", key).Add("alpha", c.alpha).Add("beta", c.beta).Add("lo", lo).Add("hi", hi);
  for (const auto& branch : proof.branches) t.Add("a", branch.a).Add("b", branch.b);
  return t.Challenge();
}

}  // namespace

Result<RangeProof> ProveRange(std::string_view election, std::string_view context, const Point& key,
                              const Ciphertext& c, uint64_t m, const Scalar& r, uint64_t lo, uint64_t hi) {
  RETURN_IF_ERROR(CheckRange(lo, hi));
  if (m < lo || m > hi) return InvalidArgument("the count is outside the range it is to be proven in");
  RangeProof proof;
  proof.branches.resize(hi - lo + 1);
  const Scalar u = Scalar::Random();
  Scalar simulated;  // the sum of the simulated branches' challenges
  for (uint64_t j = lo; j <= hi; ++j) {
    auto& branch = proof.branches[j - lo];
    if (j == m) {
      branch.a = BaseTimes(u);
      branch.b = u * key;
      continue;
    }
    branch.challenge = Scalar::Random();
    branch.response = Scalar::Random();
    simulated = simulated + branch.challenge;
    branch.a = BaseTimes(branch.response) - branch.challenge * c.alpha;
    branch.b = branch.response * key - branch.challenge * (c.beta - BaseTimes(j));
  }
  auto& real = proof.branches[m - lo];
  real.challenge = Challenge(election, context, key, c, lo, hi, proof) - simulated;
  real.response = u + real.challenge * r;
  return proof;
}

Status CompleteRange(std::string_view election, std::string_view context, const Point& key, const Ciphertext& c,
                     uint64_t lo, uint64_t hi, RangeProof& proof) {
  RETURN_IF_ERROR(CheckRange(lo, hi));
  if (proof.branches.size() != hi - lo + 1) {
    return InvalidArgument("the range proof has " + std::to_string(proof.branches.size()) + " branches, not " +
                           std::to_string(hi - lo + 1));
  }
  Scalar rest = Challenge(election, context, key, c, lo, hi, proof);
  for (size_t k = 0; k + 1 < proof.branches.size(); ++k) rest = rest - proof.branches[k].challenge;
  proof.branches.back().challenge = rest;
  return OkStatus();
}

Status VerifyRange(std::string_view election, std::string_view context, const Point& key, const Ciphertext& c,
                   uint64_t lo, uint64_t hi, RangeProof& proof) {
  RETURN_IF_ERROR(CompleteRange(election, context, key, c, lo, hi, proof));
  for (uint64_t j = lo; j <= hi; ++j) {
    const auto& branch = proof.branches[j - lo];
    if (!RangeBranchHolds(branch.response, branch.challenge, j, key, c.alpha, c.beta, branch.a, branch.b)) {
      return InvalidArgument("the range proof's branch for " + std::to_string(j) + " does not hold");
    }
  }
  return OkStatus();
}

}  // namespace riik::election
