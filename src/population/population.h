// The synthetic population of Estonia as compact tables: what the population, business,
// tax, bank and education registries load (see generator.h for how it is made and
// docs/formats/population.md for its files).
//
// Rows refer to each other by index into the owning vector; kNone marks "nobody".
// Dates are Day numbers (calendar.h). Names and places are indices into the fixed
// lists of names.h and geography.h, so a person costs a few dozen bytes.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "identity/personal_code.h"
#include "population/calendar.h"

namespace riik::population {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Employment is for persons of working age at the reference date (Estonia's pension
// age is 64–65).
inline constexpr int kWorkingAgeMin = 18;
inline constexpr int kWorkingAgeMax = 64;
inline constexpr int kAdultAge = 18;
// Pupils are 7 to 18 years old at the reference date, in grades 1 to 12.
inline constexpr int kPupilAgeMin = 7;
inline constexpr int kPupilAgeMax = 18;
// Months of income reported per employment: the calendar year before the reference date.
inline constexpr int kIncomeMonths = 12;

struct Person {
  std::array<char, 11> personal_code{};  // the 11 digits, no terminator
  identity::Sex sex = identity::Sex::kMale;
  uint8_t citizenship = 0;  // index into Citizenships()
  uint16_t given_name = 0;  // index into GivenNames(sex)
  uint16_t surname = 0;     // index into Surnames()
  Day birth = 0;
  Day death = kNoDay;  // kNoDay while alive
  uint32_t household = kNone;
  uint32_t mother = kNone, father = kNone, spouse = kNone;

  bool alive() const { return death == kNoDay; }
  std::string_view code() const { return {personal_code.data(), personal_code.size()}; }
};

enum class HouseholdKind : uint8_t {
  kSingleAdult,
  kSingleElderly,  // possibly widowed: the late spouse is a deceased member
  kCouple,
  kElderlyCouple,
  kCoupleWithChildren,
  kSingleParent,
};

// Members are the persons [first_member, first_member + member_count); they live at
// `dwelling` (the deceased until their death).
struct Household {
  uint32_t first_member = 0;
  uint16_t member_count = 0;
  HouseholdKind kind = HouseholdKind::kSingleAdult;
  uint32_t dwelling = kNone;
};

// One address: a dwelling in a settlement. Its postal code follows from the settlement
// and street (PostalCode in geography.h).
struct Dwelling {
  uint16_t settlement = 0;  // index into Settlements()
  uint16_t street = 0;      // index into Streets()
  uint16_t house = 0;       // house number, from 1
  uint16_t apartment = 0;   // 0 for a house without apartments
};

// A person lived at `dwelling` from `from` up to (not including) `to`; the current
// address has to == kNoDay. A person's residences are consecutive rows, oldest first.
struct Residence {
  uint32_t person = 0;
  uint32_t dwelling = 0;
  Day from = 0;
  Day to = kNoDay;
};

struct Company {
  std::array<char, 8> registry_code{};
  std::string name;       // with its legal form: "Tamme Ehitus OÜ"
  uint8_t county = 0;     // index into Counties()
  uint32_t seat = kNone;  // dwelling of the registered address
  Day founded = 0;
  std::array<uint32_t, 3> board{kNone, kNone, kNone};  // board members (persons)
  uint32_t first_employment = 0;                       // employments [first, first + count)
  uint32_t employment_count = 0;

  std::string_view code() const { return {registry_code.data(), registry_code.size()}; }
};

// A person working for a company since `from`, with the monthly gross wage the employer
// reported for each month of the income year (0 for months before `from`).
struct Employment {
  uint32_t person = 0;
  uint32_t company = 0;
  Day from = 0;
  std::array<int32_t, kIncomeMonths> monthly_gross_cents{};
};

// The demo bank every adult has an account at.
inline constexpr std::string_view kDemoBankName = "Riik Demo Pank";
inline constexpr std::string_view kDemoBankCode = "99";

enum class AccountKind : uint8_t { kCurrent, kSavings };

// An account at the demo bank. Interest earned in the income year and the year before.
struct Account {
  std::array<char, 20> iban{};
  uint32_t owner = 0;
  AccountKind kind = AccountKind::kCurrent;
  Day opened = 0;
  int64_t balance_cents = 0;
  int32_t interest_cents_year_before = 0;
  int32_t interest_cents_income_year = 0;

  std::string_view iban_text() const { return {iban.data(), iban.size()}; }
};

struct School {
  std::string name;
  std::string registry_code;  // a public body's code (7…)
  uint8_t county = 0;
};

struct Pupil {
  uint32_t person = 0;
  uint16_t school = 0;  // index into Population::schools
  uint8_t grade = 0;    // 1 to 12
};

struct Population {
  uint64_t seed = 0;
  Day reference_date = 0;  // "today" for ages, the income year and the school year
  int income_year = 0;     // the calendar year before the reference date

  std::vector<Person> persons;
  std::vector<Household> households;
  std::vector<Dwelling> dwellings;
  std::vector<Residence> residences;      // grouped by person, persons in order
  std::vector<uint32_t> first_residence;  // per person, index into residences
  std::vector<Company> companies;
  std::vector<Employment> employments;  // grouped by company
  std::vector<Account> accounts;
  std::vector<School> schools;
  std::vector<Pupil> pupils;

  // Persons whose names are not from the name lists (adopt.h): person -> names.
  struct FixedName {
    std::string given_name, surname;
  };
  std::unordered_map<uint32_t, FixedName> fixed_names;

  // The names a person bears: fixed, or from the lists (names.h).
  std::string_view GivenNameOf(uint32_t person) const;
  std::string_view SurnameOf(uint32_t person) const;

  // The person's children (in the population, all in the parent's household).
  std::vector<uint32_t> ChildrenOf(uint32_t person) const;
  // The person's current residence (for the deceased, the last one).
  const Residence& CurrentResidence(uint32_t person) const;
  // Where the person's household lives (for the deceased, where they last lived).
  const Dwelling& HomeOf(const Person& person) const { return dwellings[households[person.household].dwelling]; }
  // The person's age in whole years at the reference date.
  int AgeOf(const Person& person) const { return AgeInYears(person.birth, reference_date); }
};

}  // namespace riik::population
