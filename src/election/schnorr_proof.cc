// Schnorr proofs of knowledge.
#include "election/schnorr_proof.h"

#include "election/fast_check.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

Scalar Challenge(std::string_view election, std::string_view context, const Point& x_g, const Point& a) {
  return Transcript("riik-election-v1/schnorr", election).Add("context", context).Add("X", x_g).Add("a", a).Challenge();
}

}  // namespace

SchnorrProof ProveKnowledge(std::string_view election, std::string_view context, const Scalar& x, const Point& x_g) {
  const Scalar u = Scalar::Random();
  SchnorrProof proof;
  proof.commitment = BaseTimes(u);
  proof.response = u + Challenge(election, context, x_g, proof.commitment) * x;
  return proof;
}

Status VerifyKnowledge(std::string_view election, std::string_view context, const Point& x_g,
                       const SchnorrProof& proof) {
  if (x_g.IsIdentity() || proof.commitment.IsIdentity()) {
    return InvalidArgument("a proof of knowledge over the identity element");
  }
  const Scalar c = Challenge(election, context, x_g, proof.commitment);
  if (!BaseRelationHolds(proof.response, proof.commitment, c, x_g)) {
    return InvalidArgument("the proof of knowledge does not hold");
  }
  return OkStatus();
}

}  // namespace riik::election
