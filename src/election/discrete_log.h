// The small discrete logarithm that ends a tally: m from m·G, for m up to the number of
// voters, by baby-step giant-step (about 2·√max group additions, a table of √max entries).
#pragma once

#include <cstdint>

#include "election/group.h"

namespace riik::election {

// m with m·G = `mg` and 0 ≤ m ≤ max; NotFound if there is none (a wrong decryption, or
// more votes than voters). `max` at most 2^40.
Result<uint64_t> SmallDiscreteLog(const Point& mg, uint64_t max);

}  // namespace riik::election
