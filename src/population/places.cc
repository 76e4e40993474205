// Choosing settlements and allocating dwellings in them (internal.h).
#include <vector>

#include "population/geography.h"
#include "population/internal.h"

namespace riik::population::internal {
namespace {

std::vector<double> ResidentWeights() {
  std::vector<double> weights;
  for (const Settlement& s : Settlements()) weights.push_back(s.residents_thousands);
  return weights;
}

}  // namespace

DwellingAllocator::DwellingAllocator(uint64_t seed, Population& population) : population_(population) {
  Rng rng(seed, "dwellings");
  for (uint16_t s = 0; s < Settlements().size(); ++s) next_.push_back(rng.Below(DwellingCapacity(s)));
}

uint32_t DwellingAllocator::Allocate(uint16_t settlement) {
  population_.dwellings.push_back(NthDwelling(settlement, next_[settlement]++));
  return static_cast<uint32_t>(population_.dwellings.size() - 1);
}

SettlementChooser::SettlementChooser() : anywhere_(ResidentWeights()) {
  std::vector<std::vector<double>> weights(Counties().size());
  by_county_.resize(Counties().size());
  std::span<const Settlement> settlements = Settlements();
  for (size_t i = 0; i < settlements.size(); ++i) {
    by_county_[settlements[i].county].push_back(static_cast<uint16_t>(i));
    weights[settlements[i].county].push_back(settlements[i].residents_thousands);
  }
  for (const auto& w : weights) in_county_.emplace_back(w);
}

uint16_t SettlementChooser::Anywhere(Rng& rng) const { return static_cast<uint16_t>(anywhere_.Draw(rng)); }

uint16_t SettlementChooser::InCounty(Rng& rng, uint8_t county) const {
  return by_county_[county][in_county_[county].Draw(rng)];
}

}  // namespace riik::population::internal
