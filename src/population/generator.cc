// Generate(): checks the options and runs the phases in order.
#include "population/generator.h"

#include <algorithm>

#include "population/internal.h"

namespace riik::population {
namespace internal {

PhaseProgress::PhaseProgress(const ProgressCallback& callback, int64_t units_per_phase, int phases)
    : callback_(callback), units_per_phase_(units_per_phase), phases_(phases) {}

void PhaseProgress::Report(int phase, int64_t done) {
  if (!callback_) return;
  constexpr int64_t kEvery = 1 << 16;
  int64_t overall = phase * units_per_phase_ + std::min(done, units_per_phase_);
  if (overall - last_reported_ < kEvery && done < units_per_phase_) return;
  last_reported_ = overall;
  callback_(overall, units_per_phase_ * phases_);
}

}  // namespace internal

Result<Population> Generate(const GenerateOptions& options, const ProgressCallback& progress) {
  if (options.count < 1 || options.count > kMaxCount) {
    return InvalidArgument("the count of persons must be 1 to " + std::to_string(kMaxCount) + ", not " +
                           std::to_string(options.count));
  }
  if (options.reference_date < DayFromCivil(1950, 1, 1) || options.reference_date > DayFromCivil(2150, 1, 1)) {
    return InvalidArgument("the reference date must be between 1950 and 2150, not " +
                           FormatDay(options.reference_date));
  }
  Population population;
  population.seed = options.seed;
  population.reference_date = options.reference_date;
  population.income_year = CivilFromDay(options.reference_date).year - 1;

  constexpr int kPhases = 4;
  internal::PhaseProgress phases(progress, options.count, kPhases);
  internal::SettlementChooser places;
  internal::DwellingAllocator dwellings(options.seed, population);
  RETURN_IF_ERROR(internal::GeneratePeople(options, places, dwellings, phases, population));
  RETURN_IF_ERROR(internal::GenerateEmployment(options.seed, dwellings, places, phases, population));
  RETURN_IF_ERROR(internal::GenerateAccounts(options.seed, phases, population));
  RETURN_IF_ERROR(internal::GenerateSchooling(options.seed, phases, population));
  phases.Report(kPhases - 1, options.count);
  return population;
}

}  // namespace riik::population
