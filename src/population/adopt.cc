// AdoptIdentities: choosing a host person per fixed identity, and rewriting them.
#include "population/adopt.h"

#include <algorithm>
#include <unordered_set>

namespace riik::population {

Result<int> AdoptIdentities(Population& pop, std::span<const identity::DemoPerson> people) {
  std::unordered_set<std::string_view> codes;
  codes.reserve(pop.persons.size());
  for (const Person& p : pop.persons) codes.insert(p.code());
  std::unordered_set<uint32_t> taken;
  int placed = 0;
  // A host born on or after the fixed birth date keeps every date of their life after
  // it; only if there is none is a host born earlier in the year taken.
  auto host_for = [&](const identity::DemoPerson& fixed, Day birth) -> uint32_t {
    uint32_t fallback = kNone;
    for (uint32_t i = 0; i < pop.persons.size(); ++i) {
      const Person& p = pop.persons[i];
      if (!p.alive() || p.sex != fixed.sex || CivilFromDay(p.birth).year != fixed.year || taken.count(i)) continue;
      if (p.birth >= birth) return i;
      if (fallback == kNone) fallback = i;
    }
    return fallback;
  };
  for (const identity::DemoPerson& fixed : people) {
    ASSIGN_OR_RETURN(identity::PersonalCode code,
                     identity::PersonalCode::Make(fixed.sex, fixed.year, fixed.month, fixed.day, fixed.serial));
    if (codes.count(code.code)) continue;  // the generator made this very code: already someone
    const Day birth = DayFromCivil(fixed.year, fixed.month, fixed.day);
    uint32_t host = host_for(fixed, birth);
    if (host == kNone) continue;
    Person& p = pop.persons[host];
    codes.erase(p.code());
    std::copy(code.code.begin(), code.code.end(), p.personal_code.begin());
    codes.insert(p.code());
    p.birth = birth;
    size_t end = host + 1 < pop.first_residence.size() ? pop.first_residence[host + 1] : pop.residences.size();
    for (size_t r = pop.first_residence[host]; r < end; ++r) {
      pop.residences[r].from = std::max(pop.residences[r].from, birth);
    }
    pop.fixed_names[host] = {fixed.given, fixed.surname};
    taken.insert(host);
    ++placed;
  }
  return placed;
}

}  // namespace riik::population
