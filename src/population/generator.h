// Generate(): a deterministic synthetic population of Estonia, consistent across the
// registries that load it (population, business, tax, bank, education). The same
// options give the same population, byte for byte in its files.
//
// What it builds, in order (each from its own random stream of the seed):
//   households and their persons (couples, children born when both parents were 18–45,
//   single parents, single adults, the elderly, a few deceased), personal codes, names,
//   citizenship, addresses with history; companies with board members and employees and
//   each employee's monthly wages; accounts at the demo bank with interest; pupils in a
//   school of their county.
#pragma once

#include <cstdint>
#include <functional>

#include "core/status.h"
#include "population/population.h"

namespace riik::population {

inline constexpr Day kDefaultReferenceDate = 20089;  // 2025-01-01
inline constexpr int64_t kMaxCount = 20'000'000;

struct GenerateOptions {
  int64_t count = 1000;  // persons, the deceased included; 1 to kMaxCount
  uint64_t seed = 1;
  // "Today": ages, the income year (the calendar year before) and the school year
  // follow from it. Fixed by default so that a seed alone fixes the output.
  Day reference_date = kDefaultReferenceDate;
};

// Called now and then with the work done so far out of `total` (arbitrary units).
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

// Generates the population. InvalidArgument for a count out of range or a reference
// date before 1950 or after 2150.
Result<Population> Generate(const GenerateOptions& options, const ProgressCallback& progress = nullptr);

}  // namespace riik::population
