// Citizenships of Estonia's residents as ISO 3166-1 alpha-3 codes. "XXA" is the ICAO
// code for a stateless person: Estonia's residents of undetermined citizenship (the
// "grey passport"). Person::citizenship indexes Citizenships().
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "population/names.h"
#include "population/random.h"

namespace riik::population {

inline constexpr uint8_t kEstonianCitizenship = 0;  // "EST"

std::span<const std::string_view> Citizenships();

// A household's citizenship: almost always Estonian in Estonian-speaking households;
// Russian-speaking households are about half Estonian citizens, the rest mostly
// Russian, undetermined or Ukrainian.
uint8_t DrawCitizenship(Rng& rng, NameCulture culture);

}  // namespace riik::population
