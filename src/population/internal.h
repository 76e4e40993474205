// The generator's phases and what they share. Private to src/population/.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "population/generator.h"
#include "population/random.h"

namespace riik::population::internal {

// Hands out dwellings: the next unused one of a settlement (see NthDwelling), appended
// to Population::dwellings. Each settlement's numbering starts at a place of the seed's.
class DwellingAllocator {
 public:
  DwellingAllocator(uint64_t seed, Population& population);
  uint32_t Allocate(uint16_t settlement);

 private:
  Population& population_;
  std::vector<uint32_t> next_;  // per settlement
};

// Draws settlements by how many live there: anywhere, or within one county.
class SettlementChooser {
 public:
  SettlementChooser();
  uint16_t Anywhere(Rng& rng) const;
  uint16_t InCounty(Rng& rng, uint8_t county) const;

 private:
  WeightedChoice anywhere_;
  std::vector<std::vector<uint16_t>> by_county_;
  std::vector<WeightedChoice> in_county_;
};

// Reports each phase's progress as a share of the whole run.
class PhaseProgress {
 public:
  PhaseProgress(const ProgressCallback& callback, int64_t units_per_phase, int phases);
  // Within phase `phase` (from 0), `done` of units_per_phase; reports every so often.
  void Report(int phase, int64_t done);

 private:
  const ProgressCallback& callback_;
  int64_t units_per_phase_;
  int phases_;
  int64_t last_reported_ = -1;
};

// Households, persons (codes, names, citizenship, family links) and residences.
Status GeneratePeople(const GenerateOptions& options, const SettlementChooser& places, DwellingAllocator& dwellings,
                      PhaseProgress& progress, Population& population);

// Companies in each county with board members, employees and monthly wages.
Status GenerateEmployment(uint64_t seed, DwellingAllocator& dwellings, const SettlementChooser& places,
                          PhaseProgress& progress, Population& population);

// Accounts at the demo bank for adults, with balances and interest.
Status GenerateAccounts(uint64_t seed, PhaseProgress& progress, Population& population);

// Schools of each county and their pupils.
Status GenerateSchooling(uint64_t seed, PhaseProgress& progress, Population& population);

}  // namespace riik::population::internal
