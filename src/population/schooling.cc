// The school phase: the schools of each county, and every child of school age enrolled
// in one in the county of their home (siblings in the same school), in the grade of
// their birth year.
#include <string>
#include <vector>

#include "identity/registry_code.h"
#include "population/geography.h"
#include "population/internal.h"

namespace riik::population::internal {
namespace {

// Schools are municipal bodies: registry codes 75NNNNNC.
constexpr int kFirstSchoolSerial = 7'510'000;
constexpr int kSchoolSerialStride = 1'037;
constexpr int kGrades = 12;
// Children start grade 1 in the autumn of the year they turn 7.
constexpr int kSchoolStartAge = 7;
constexpr int kSchoolYearStartMonth = 9;

Status AddSchools(Population& pop) {
  std::span<const SchoolSite> sites = SchoolSites();
  for (size_t i = 0; i < sites.size(); ++i) {
    ASSIGN_OR_RETURN(identity::RegistryCode code,
                     identity::RegistryCode::Make(kFirstSchoolSerial + static_cast<int>(i) * kSchoolSerialStride));
    pop.schools.push_back(School{std::string(sites[i].name), code.code, sites[i].county});
  }
  return OkStatus();
}

}  // namespace

Status GenerateSchooling(uint64_t seed, PhaseProgress& progress, Population& pop) {
  RETURN_IF_ERROR(AddSchools(pop));
  std::vector<std::vector<uint16_t>> schools_by_county(Counties().size());
  for (size_t i = 0; i < pop.schools.size(); ++i)
    schools_by_county[pop.schools[i].county].push_back(static_cast<uint16_t>(i));

  CivilDate today = CivilFromDay(pop.reference_date);
  int school_year = today.month >= kSchoolYearStartMonth ? today.year : today.year - 1;
  Rng rng(seed, "schooling");
  const uint32_t household_shift = rng.Below(1u << 16);
  for (uint32_t i = 0; i < pop.persons.size(); ++i) {
    const Person& person = pop.persons[i];
    int age = pop.AgeOf(person);
    int grade = school_year - CivilFromDay(person.birth).year - (kSchoolStartAge - 1);
    if (person.alive() && age >= kPupilAgeMin && age <= kPupilAgeMax && grade >= 1 && grade <= kGrades) {
      uint8_t county = CountyOf(pop.HomeOf(person));
      const std::vector<uint16_t>& nearby = schools_by_county[county];
      uint16_t school = nearby[(person.household + household_shift) % nearby.size()];
      pop.pupils.push_back(Pupil{i, school, static_cast<uint8_t>(grade)});
    }
    progress.Report(3, i + 1);
  }
  return OkStatus();
}

}  // namespace riik::population::internal
