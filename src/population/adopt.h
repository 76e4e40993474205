// Fixed identities in a generated population: `riik up`'s demo citizens, whose eIDs
// exist before any registry does, become ordinary members of the synthetic population,
// with a household, an address, a job, accounts, as the generator made them.
#pragma once

#include <span>

#include "core/status.h"
#include "identity/demo_people.h"
#include "population/population.h"

namespace riik::population {

// For each of `people`, takes a living person of the same sex born in the same year
// (and not already taken) and gives them that personal code, birth date and names. The
// same population and list give the same choice. Returns how many were placed: a
// population too small to hold someone of that sex and year places fewer.
// InvalidArgument if a fixed personal code is invalid.
Result<int> AdoptIdentities(Population& pop, std::span<const identity::DemoPerson> people);

}  // namespace riik::population
