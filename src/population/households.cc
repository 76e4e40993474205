// The people phase: households with their members' ages, names, citizenship, family
// links, personal codes and residences (current and earlier addresses).
#include <algorithm>
#include <array>
#include <vector>

#include "population/citizenship.h"
#include "population/geography.h"
#include "population/internal.h"
#include "population/names.h"

namespace riik::population::internal {
namespace {

using identity::Sex;

constexpr int kDaysPerYear = 365;
constexpr int kOldestAge = 105;  // no one in the population is born earlier
constexpr int kChildrenAtHomeUntil = 25;

// Shares of households (not persons) by kind, in the order of HouseholdKind.
constexpr double kHouseholdKindShares[] = {22, 14, 14, 8, 28, 10};
// Of the elderly living alone, the share who are widowed (the late spouse is a
// deceased person of the household).
constexpr double kWidowedShare = 0.5;

// Ages in years by kind of member: ranges and their weights.
constexpr WeightedRange kSingleAdultAges[] = {
    {18, 24, 1.3}, {25, 34, 1.6}, {35, 44, 1.0}, {45, 54, 0.9}, {55, 64, 1.0}};
constexpr WeightedRange kElderlyAges[] = {{65, 69, 1.0}, {70, 74, 0.9}, {75, 79, 0.7}, {80, 89, 0.6}, {90, 100, 0.1}};
constexpr WeightedRange kCoupleAges[] = {{22, 29, 1.0}, {30, 44, 1.0}, {45, 64, 1.3}};
constexpr WeightedRange kMotherAges[] = {{22, 29, 1.0}, {30, 39, 2.0}, {40, 49, 1.6}, {50, 58, 0.6}};
constexpr WeightedRange kSingleParentAges[] = {{22, 29, 0.8}, {30, 39, 1.5}, {40, 49, 1.2}, {50, 55, 0.3}};
// Children in a household with two parents: 1 to 4; with one: 1 to 3.
constexpr double kChildrenOfCouple[] = {0, 38, 40, 17, 5};
constexpr double kChildrenOfSingleParent[] = {0, 55, 33, 12};

enum class Role : uint8_t { kHead, kPartner, kChild, kLateSpouse };

// A member before they become a Person: enough to draw names and links.
struct MemberPlan {
  Role role;
  Sex sex;
  Day birth;
  Day death = kNoDay;
};

// A period at an earlier address, shared by the members alive then.
struct EarlierHome {
  uint32_t dwelling;
  Day from, to;
};

class PeopleBuilder {
 public:
  PeopleBuilder(const GenerateOptions& options, const SettlementChooser& places, DwellingAllocator& dwellings,
                PhaseProgress& progress, Population& population)
      : options_(options),
        today_(options.reference_date),
        places_(places),
        dwellings_(dwellings),
        progress_(progress),
        pop_(population),
        rng_(options.seed, "people"),
        kinds_(kHouseholdKindShares),
        single_adult_ages_(kSingleAdultAges),
        elderly_ages_(kElderlyAges),
        couple_ages_(kCoupleAges),
        mother_ages_(kMotherAges),
        single_parent_ages_(kSingleParentAges),
        children_of_couple_(kChildrenOfCouple),
        children_of_single_parent_(kChildrenOfSingleParent),
        earliest_birth_(AddYears(today_, -kOldestAge - 1)),
        codes_issued_(static_cast<size_t>(today_ - earliest_birth_ + 1) * 2, 0) {}

  Status Run() {
    const size_t count = static_cast<size_t>(options_.count);
    pop_.persons.reserve(count);
    pop_.first_residence.reserve(count);
    pop_.residences.reserve(count + count / 2);
    pop_.households.reserve(count / 2);
    std::vector<MemberPlan> members;
    while (pop_.persons.size() < count) {
      members.clear();
      HouseholdKind kind = static_cast<HouseholdKind>(kinds_.Draw(rng_));
      PlanMembers(kind, members);
      members.resize(std::min(members.size(), count - pop_.persons.size()));
      RETURN_IF_ERROR(AddHousehold(kind, members));
      progress_.Report(0, static_cast<int64_t>(pop_.persons.size()));
    }
    return OkStatus();
  }

 private:
  Day BirthAtAge(int age) {
    Day latest = AddYears(today_, -age);
    Day earliest = AddYears(today_, -age - 1) + 1;
    return rng_.Between(earliest, latest);
  }
  Sex AnySex() { return rng_.Chance(0.5) ? Sex::kMale : Sex::kFemale; }
  static Sex Other(Sex sex) { return sex == Sex::kMale ? Sex::kFemale : Sex::kMale; }

  void PlanMembers(HouseholdKind kind, std::vector<MemberPlan>& members) {
    switch (kind) {
      case HouseholdKind::kSingleAdult:
        members.push_back({Role::kHead, AnySex(), BirthAtAge(single_adult_ages_.Draw(rng_))});
        return;
      case HouseholdKind::kSingleElderly:
        PlanElderlyAlone(members);
        return;
      case HouseholdKind::kCouple:
        PlanCouple(couple_ages_.Draw(rng_), 18, members);
        return;
      case HouseholdKind::kElderlyCouple:
        PlanCouple(elderly_ages_.Draw(rng_), 60, members);
        return;
      case HouseholdKind::kCoupleWithChildren: {
        int mother_age = mother_ages_.Draw(rng_);
        int father_age = std::max(20, mother_age + rng_.Between(-2, 7));
        members.push_back({Role::kHead, Sex::kMale, BirthAtAge(father_age)});
        members.push_back({Role::kPartner, Sex::kFemale, BirthAtAge(mother_age)});
        PlanChildren(children_of_couple_.Draw(rng_), members);
        return;
      }
      case HouseholdKind::kSingleParent: {
        Sex sex = rng_.Chance(0.85) ? Sex::kFemale : Sex::kMale;
        members.push_back({Role::kHead, sex, BirthAtAge(single_parent_ages_.Draw(rng_))});
        PlanChildren(children_of_single_parent_.Draw(rng_), members);
        return;
      }
    }
  }

  // An elderly person alone; half of them widowed, the late spouse dead at 55 or older
  // within the last 15 years.
  void PlanElderlyAlone(std::vector<MemberPlan>& members) {
    Sex sex = rng_.Chance(0.7) ? Sex::kFemale : Sex::kMale;
    Day birth = BirthAtAge(elderly_ages_.Draw(rng_));
    members.push_back({Role::kHead, sex, birth});
    if (!rng_.Chance(kWidowedShare)) return;
    int years_older = sex == Sex::kFemale ? rng_.Between(0, 6) : rng_.Between(-4, 2);
    Day spouse_birth = std::max(earliest_birth_, AddYears(birth, -years_older) + rng_.Between(-150, 150));
    Day earliest_death = std::max(AddYears(spouse_birth, 55), AddYears(today_, -15));
    Day death = rng_.Between(std::min(earliest_death, today_ - 1), today_ - 1);
    members.push_back({Role::kLateSpouse, Other(sex), spouse_birth, death});
  }

  void PlanCouple(int man_age, int youngest, std::vector<MemberPlan>& members) {
    int woman_age = std::max(youngest, man_age - rng_.Between(-3, 6));
    members.push_back({Role::kHead, Sex::kMale, BirthAtAge(man_age)});
    members.push_back({Role::kPartner, Sex::kFemale, BirthAtAge(woman_age)});
  }

  // Children born while every parent (the members so far) was 18 to 44 years old, no
  // older than kChildrenAtHomeUntil, about 1 to 5 years apart.
  void PlanChildren(uint32_t count, std::vector<MemberPlan>& members) {
    Day lo = AddYears(today_, -kChildrenAtHomeUntil) + 1, hi = today_;
    Day mother_birth = members.front().birth;
    for (const MemberPlan& parent : members) {
      lo = std::max(lo, AddYears(parent.birth, 18) + 1);
      hi = std::min(hi, AddYears(parent.birth, 45) - 1);
      if (parent.sex == Sex::kFemale) mother_birth = parent.birth;
    }
    if (lo > hi) return;
    Day birth = mother_birth + rng_.Between(21 * kDaysPerYear, 33 * kDaysPerYear);
    if (birth < lo || birth > hi) birth = rng_.Between(lo, hi);
    for (uint32_t i = 0; i < count && birth <= hi; ++i) {
      members.push_back({Role::kChild, AnySex(), birth});
      birth += rng_.Between(400, 5 * kDaysPerYear);
    }
  }

  Status AddHousehold(HouseholdKind kind, const std::vector<MemberPlan>& members) {
    const uint16_t settlement = places_.Anywhere(rng_);
    const uint8_t county = Settlements()[settlement].county;
    const NameCulture culture =
        rng_.Chance(Counties()[county].russian_speaking_share) ? NameCulture::kRussian : NameCulture::kEstonian;
    const uint8_t citizenship = DrawCitizenship(rng_, culture);

    Household household;
    household.first_member = static_cast<uint32_t>(pop_.persons.size());
    household.member_count = static_cast<uint16_t>(members.size());
    household.kind = kind;
    household.dwelling = dwellings_.Allocate(settlement);
    const uint32_t household_index = static_cast<uint32_t>(pop_.households.size());
    pop_.households.push_back(household);

    const Day moved_in = MoveInDay(members);
    std::array<EarlierHome, 2> earlier{};
    const size_t earlier_count = PlanEarlierHomes(county, moved_in, earlier);

    const uint16_t family_surname = DrawSurname(rng_, culture);
    uint32_t father = kNone, mother = kNone, head = kNone;
    for (const MemberPlan& plan : members) {
      Person person;
      person.sex = plan.sex;
      person.birth = plan.birth;
      person.death = plan.death;
      person.citizenship = citizenship;
      person.household = household_index;
      person.given_name = DrawGivenName(rng_, plan.sex, culture);
      person.surname = family_surname;
      const uint32_t index = static_cast<uint32_t>(pop_.persons.size());
      switch (plan.role) {
        case Role::kHead:
          head = index;
          break;
        case Role::kPartner:
        case Role::kLateSpouse:
          if (rng_.Chance(0.3)) person.surname = DrawSurname(rng_, culture);
          person.spouse = head;
          pop_.persons[head].spouse = index;
          break;
        case Role::kChild:
          person.mother = mother;
          person.father = father;
          break;
      }
      if (plan.role == Role::kHead || plan.role == Role::kPartner) {
        (plan.sex == Sex::kMale ? father : mother) = index;
      }
      RETURN_IF_ERROR(AssignPersonalCode(person));
      pop_.persons.push_back(person);
      AddResidences(index, household.dwelling, moved_in, std::span(earlier.data(), earlier_count));
    }
    return OkStatus();
  }

  // When the household moved to its current home: within the last 20 years, after every
  // adult member turned 18, before any member died.
  Day MoveInDay(const std::vector<MemberPlan>& members) {
    Day earliest = AddYears(today_, -20), latest = today_;
    for (const MemberPlan& m : members) {
      if (m.role != Role::kChild) earliest = std::max(earliest, AddYears(m.birth, 18));
      if (m.death != kNoDay) latest = std::min(latest, m.death - 1);
    }
    return rng_.Between(std::min(earliest, latest), latest);
  }

  // Up to two homes the household lived in before, each for 1 to 12 years; mostly in
  // the same county.
  size_t PlanEarlierHomes(uint8_t county, Day moved_in, std::array<EarlierHome, 2>& homes) {
    double u = rng_.Unit();
    size_t count = u < 0.15 ? 2 : u < 0.45 ? 1 : 0;
    Day to = moved_in;
    for (size_t i = 0; i < count; ++i) {
      uint16_t settlement = rng_.Chance(0.7) ? places_.InCounty(rng_, county) : places_.Anywhere(rng_);
      Day from = to - rng_.Between(kDaysPerYear, 12 * kDaysPerYear);
      homes[count - 1 - i] = {dwellings_.Allocate(settlement), from, to};
      to = from;
    }
    return count;
  }

  // The member's residences, oldest first: the earlier homes they were born by, then the
  // current one (ending at death for the deceased).
  void AddResidences(uint32_t person, uint32_t dwelling, Day moved_in, std::span<const EarlierHome> earlier) {
    const Person& p = pop_.persons[person];
    pop_.first_residence.push_back(static_cast<uint32_t>(pop_.residences.size()));
    for (const EarlierHome& home : earlier) {
      if (p.birth >= home.to) continue;
      pop_.residences.push_back({person, home.dwelling, std::max(home.from, p.birth), home.to});
    }
    pop_.residences.push_back({person, dwelling, std::max(moved_in, p.birth), p.death});
  }

  // A personal code whose serial is the next free one for the person's birth date and sex.
  Status AssignPersonalCode(Person& person) {
    size_t slot = static_cast<size_t>(person.birth - earliest_birth_) * 2 + (person.sex == Sex::kMale ? 0 : 1);
    uint16_t issued = codes_issued_[slot]++;
    if (issued >= 1000) {
      return ResourceExhausted("more than 1000 persons of one sex born on " + FormatDay(person.birth) +
                               ": personal codes have three-digit serials; generate fewer persons");
    }
    // Serials start at a spot of their own per day, as hospitals had their own ranges.
    int start = static_cast<int>((static_cast<uint64_t>(slot) * 2654435761ULL) % 1000);
    CivilDate date = CivilFromDay(person.birth);
    ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Make(person.sex, date.year, date.month,
                                                                               date.day, (start + issued) % 1000));
    std::copy_n(code.code.begin(), person.personal_code.size(), person.personal_code.begin());
    return OkStatus();
  }

  const GenerateOptions& options_;
  const Day today_;
  const SettlementChooser& places_;
  DwellingAllocator& dwellings_;
  PhaseProgress& progress_;
  Population& pop_;
  Rng rng_;
  const WeightedChoice kinds_;
  const RangeChoice single_adult_ages_, elderly_ages_, couple_ages_, mother_ages_, single_parent_ages_;
  const WeightedChoice children_of_couple_, children_of_single_parent_;
  const Day earliest_birth_;
  std::vector<uint16_t> codes_issued_;  // per (birth day, sex) since earliest_birth_
};

}  // namespace

Status GeneratePeople(const GenerateOptions& options, const SettlementChooser& places, DwellingAllocator& dwellings,
                      PhaseProgress& progress, Population& population) {
  return PeopleBuilder(options, places, dwellings, progress, population).Run();
}

}  // namespace riik::population::internal
