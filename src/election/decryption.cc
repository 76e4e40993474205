// Partial decryptions, their proofs and their combination.
#include "election/decryption.h"

#include <algorithm>

namespace riik::election {

DecryptionPart DecryptPart(std::string_view election, std::string_view context, uint32_t trustee,
                           const Scalar& key_share, const Point& public_share, const Ciphertext& c) {
  DecryptionPart part;
  part.trustee = trustee;
  part.share = key_share * c.alpha;
  part.proof = ProveEqualLogs(election, context, key_share, public_share, c.alpha, part.share);
  return part;
}

Status VerifyPart(std::string_view election, std::string_view context, const Point& public_share, const Ciphertext& c,
                  const DecryptionPart& part) {
  Status held = VerifyEqualLogs(election, context, public_share, c.alpha, part.share, part.proof);
  if (!held.ok())
    return InvalidArgument("trustee " + std::to_string(part.trustee) + "'s decryption: " + held.message());
  return OkStatus();
}

Result<Scalar> LagrangeAtZero(uint32_t trustee, std::span<const uint32_t> present) {
  if (std::find(present.begin(), present.end(), trustee) == present.end()) {
    return InvalidArgument("trustee " + std::to_string(trustee) + " is not among those decrypting");
  }
  Scalar numerator = Scalar::FromInt(1), denominator = Scalar::FromInt(1);
  for (uint32_t k : present) {
    if (k == 0) return InvalidArgument("trustees are numbered from 1");
    if (std::count(present.begin(), present.end(), k) != 1) {
      return InvalidArgument("trustee " + std::to_string(k) + " appears twice");
    }
    if (k == trustee) continue;
    numerator = numerator * Scalar::FromInt(k);
    denominator = denominator * (Scalar::FromInt(k) - Scalar::FromInt(trustee));
  }
  ASSIGN_OR_RETURN(Scalar inverse, denominator.Inverse());
  return numerator * inverse;
}

Result<Point> CombineParts(const Ciphertext& c, std::span<const DecryptionPart> parts) {
  std::vector<uint32_t> present;
  for (const auto& p : parts) present.push_back(p.trustee);
  Point sum;
  for (const auto& p : parts) {
    ASSIGN_OR_RETURN(Scalar lambda, LagrangeAtZero(p.trustee, present));
    sum = sum + lambda * p.share;
  }
  return c.beta - sum;
}

}  // namespace riik::election
