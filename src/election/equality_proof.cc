// Chaum–Pedersen proofs of equal discrete logarithms.
#include "election/equality_proof.h"

#include "election/fast_check.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

Scalar Challenge(std::string_view election, std::string_view context, const Point& x_g, const Point& base,
                 const Point& x_base, const EqualityProof& proof) {
  return Transcript("riik-election-v1/equality", election)
      .Add("context", context)
      .Add("X", x_g)
      .Add("A", base)
      .Add("D", x_base)
      .Add("a", proof.a)
      .Add("b", proof.b)
      .Challenge();
}

}  // namespace

EqualityProof ProveEqualLogs(std::string_view election, std::string_view context, const Scalar& x, const Point& x_g,
                             const Point& base, const Point& x_base) {
  const Scalar u = Scalar::Random();
  EqualityProof proof{BaseTimes(u), u * base, Scalar()};
  proof.response = u + Challenge(election, context, x_g, base, x_base, proof) * x;
  return proof;
}

Status VerifyEqualLogs(std::string_view election, std::string_view context, const Point& x_g, const Point& base,
                       const Point& x_base, const EqualityProof& proof) {
  if (x_g.IsIdentity() || base.IsIdentity()) return InvalidArgument("an equality proof over the identity element");
  const Scalar c = Challenge(election, context, x_g, base, x_base, proof);
  if (!BaseRelationHolds(proof.response, proof.a, c, x_g)) {
    return InvalidArgument("the equality proof does not hold for the public share");
  }
  if (!PairRelationHolds(proof.response, base, proof.b, c, x_base)) {
    return InvalidArgument("the equality proof does not hold for the decryption share");
  }
  return OkStatus();
}

}  // namespace riik::election
