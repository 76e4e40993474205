// Population's lookups across tables.
#include "population/population.h"

#include "population/names.h"

namespace riik::population {

std::vector<uint32_t> Population::ChildrenOf(uint32_t person) const {
  std::vector<uint32_t> children;
  const Household& home = households[persons[person].household];
  for (uint32_t i = home.first_member; i < home.first_member + home.member_count; ++i) {
    if (persons[i].mother == person || persons[i].father == person) children.push_back(i);
  }
  return children;
}

const Residence& Population::CurrentResidence(uint32_t person) const {
  size_t end = person + 1 < first_residence.size() ? first_residence[person + 1] : residences.size();
  return residences[end - 1];
}

std::string_view Population::GivenNameOf(uint32_t person) const {
  if (auto it = fixed_names.find(person); it != fixed_names.end()) return it->second.given_name;
  const Person& p = persons[person];
  return GivenNames(p.sex)[p.given_name];
}

std::string_view Population::SurnameOf(uint32_t person) const {
  if (auto it = fixed_names.find(person); it != fixed_names.end()) return it->second.surname;
  const Person& p = persons[person];
  return population::SurnameOf(p.surname, p.sex);
}

}  // namespace riik::population
