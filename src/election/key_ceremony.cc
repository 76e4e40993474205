// Distributed key generation with Feldman commitments and Schnorr proofs.
#include "election/key_ceremony.h"

#include <sodium.h>

namespace riik::election {
namespace {

std::string CoefficientContext(uint32_t trustee, size_t k) {
  return "trustee " + std::to_string(trustee) + " coefficient " + std::to_string(k);
}

// Σ_k x^k·A_k, by Horner's rule from the top coefficient down.
Point CommittedValueAt(const std::vector<Point>& commitments, uint32_t x) {
  const Scalar sx = Scalar::FromInt(x);
  Point acc;
  for (size_t k = commitments.size(); k-- > 0;) acc = sx * acc + commitments[k];
  return acc;
}

}  // namespace

Polynomial::~Polynomial() {
  if (!coefficients.empty()) sodium_memzero(coefficients.data(), coefficients.size() * sizeof(Scalar));
}

Scalar Polynomial::At(uint32_t x) const {
  const Scalar sx = Scalar::FromInt(x);
  Scalar acc;
  for (size_t k = coefficients.size(); k-- > 0;) acc = acc * sx + coefficients[k];
  return acc;
}

Status CheckThreshold(uint32_t trustees, uint32_t threshold) {
  if (threshold < 1 || threshold > trustees) {
    return InvalidArgument("the threshold must be between 1 and the number of trustees (" + std::to_string(trustees) +
                           "), not " + std::to_string(threshold));
  }
  if (trustees > kMaxTrustees) return InvalidArgument("at most " + std::to_string(kMaxTrustees) + " trustees");
  return OkStatus();
}

Polynomial NewPolynomial(uint32_t threshold) {
  Polynomial f;
  for (uint32_t k = 0; k < threshold; ++k) {
    Scalar a = Scalar::Random();
    while (a.IsZero()) a = Scalar::Random();  // a zero coefficient would commit to the identity
    f.coefficients.push_back(a);
  }
  return f;
}

TrusteeCommitments Commit(std::string_view election, uint32_t trustee, const Polynomial& f) {
  TrusteeCommitments out;
  out.trustee = trustee;
  for (size_t k = 0; k < f.coefficients.size(); ++k) {
    out.commitments.push_back(BaseTimes(f.coefficients[k]));
    out.proofs.push_back(
        ProveKnowledge(election, CoefficientContext(trustee, k), f.coefficients[k], out.commitments.back()));
  }
  return out;
}

Status VerifyCommitments(std::string_view election, uint32_t threshold, const TrusteeCommitments& c) {
  const std::string who = "trustee " + std::to_string(c.trustee);
  if (c.commitments.size() != threshold || c.proofs.size() != threshold) {
    return InvalidArgument(who + " published " + std::to_string(c.commitments.size()) + " commitments and " +
                           std::to_string(c.proofs.size()) + " proofs, not " + std::to_string(threshold));
  }
  for (size_t k = 0; k < threshold; ++k) {
    if (c.commitments[k].IsIdentity())
      return InvalidArgument(who + "'s commitment " + std::to_string(k) + " is the identity");
    Status proven = VerifyKnowledge(election, CoefficientContext(c.trustee, k), c.commitments[k], c.proofs[k]);
    if (!proven.ok()) return InvalidArgument(who + "'s commitment " + std::to_string(k) + ": " + proven.message());
  }
  return OkStatus();
}

Status VerifyShare(const TrusteeCommitments& from, uint32_t recipient, const Scalar& share) {
  if (!(BaseTimes(share) == CommittedValueAt(from.commitments, recipient))) {
    return InvalidArgument("the share trustee " + std::to_string(from.trustee) + " gave trustee " +
                           std::to_string(recipient) + " is not the one it committed to");
  }
  return OkStatus();
}

Point ElectionKey(std::span<const TrusteeCommitments> all) {
  Point key;
  for (const auto& c : all) key = key + c.commitments.at(0);
  return key;
}

Point PublicShare(std::span<const TrusteeCommitments> all, uint32_t trustee) {
  Point share;
  for (const auto& c : all) share = share + CommittedValueAt(c.commitments, trustee);
  return share;
}

}  // namespace riik::election
