// Proof of knowledge of a discrete logarithm (Schnorr, made non-interactive): the holder
// of x shows it knows x for X = x·G without giving it away. Each trustee proves this for
// every coefficient commitment of its key-ceremony polynomial.
//
// Form (commitment kept, so that many can be checked in one batch): a = u·G, the
// challenge c = H("riik-election-v1/schnorr", election, context, X, a), the response
// z = u + c·x; it holds if z·G = a + c·X.
#pragma once

#include "election/group.h"

namespace riik::election {

struct SchnorrProof {
  Point commitment;  // a
  Scalar response;   // z
};

SchnorrProof ProveKnowledge(std::string_view election, std::string_view context, const Scalar& x, const Point& x_g);
// OkStatus if the proof holds for X; InvalidArgument saying what failed.
Status VerifyKnowledge(std::string_view election, std::string_view context, const Point& x_g,
                       const SchnorrProof& proof);

}  // namespace riik::election
