// Names of people: common Estonian and Russian given names by sex and surnames, as
// found in Estonia's population register (typed from public name statistics).
// A person stores indices into these lists.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "identity/personal_code.h"
#include "population/random.h"

namespace riik::population {

// Estonia's two large naming traditions; a household draws from one.
enum class NameCulture : uint8_t { kEstonian, kRussian };

// All given names of one sex (every culture), indexed by Person::given_name.
std::span<const std::string_view> GivenNames(identity::Sex sex);
// All surnames in their masculine (dictionary) form, indexed by Person::surname.
std::span<const std::string_view> Surnames();

// The surname as a person of `sex` bears it: Russian surnames in -ov, -ev and -in take
// the feminine form for women (Ivanov, Ivanova); Estonian surnames do not change.
std::string_view SurnameOf(uint16_t surname, identity::Sex sex);

// Draw an index into GivenNames(sex) or Surnames() from the names of `culture`, the
// common names (earlier in the lists) more often.
uint16_t DrawGivenName(Rng& rng, identity::Sex sex, NameCulture culture);
uint16_t DrawSurname(Rng& rng, NameCulture culture);

}  // namespace riik::population
