// The synthetic population: valid and unique identifiers, determinism, consistent
// families, addresses, employment, accounts and pupils, and speed.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "core/file.h"
#include "identity/iban.h"
#include "identity/personal_code.h"
#include "identity/registry_code.h"
#include "population/citizenship.h"
#include "population/generator.h"
#include "population/geography.h"
#include "population/jsonl_files.h"
#include "support/temp_dir.h"

namespace riik::population {
namespace {

Population MakePopulation(int64_t count, uint64_t seed) {
  GenerateOptions options;
  options.count = count;
  options.seed = seed;
  auto pop = Generate(options);
  EXPECT_TRUE(pop.ok()) << pop.status().ToString();
  return std::move(pop).value();
}

// One population shared by the consistency tests.
const Population& Shared() {
  static const Population pop = MakePopulation(30000, 42);
  return pop;
}

TEST(PopulationTest, GeneratesExactlyTheCountAndEveryTable) {
  const Population& pop = Shared();
  EXPECT_EQ(pop.persons.size(), 30000u);
  EXPECT_EQ(pop.first_residence.size(), pop.persons.size());
  EXPECT_GT(pop.households.size(), 10000u);
  EXPECT_GT(pop.companies.size(), 500u);
  EXPECT_GT(pop.employments.size(), 10000u);
  EXPECT_GT(pop.accounts.size(), 20000u);
  EXPECT_GT(pop.pupils.size(), 2000u);
  EXPECT_EQ(pop.income_year, 2024);
  EXPECT_EQ(FormatDay(pop.reference_date), "2025-01-01");
}

TEST(PopulationTest, EveryPersonalCodeIsValidUniqueAndMatchesThePerson) {
  const Population& pop = Shared();
  std::set<std::string_view> seen;
  for (const Person& p : pop.persons) {
    auto code = identity::PersonalCode::Parse(p.code());
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    CivilDate born = CivilFromDay(p.birth);
    EXPECT_EQ(code->year, born.year);
    EXPECT_EQ(code->month, born.month);
    EXPECT_EQ(code->day, born.day);
    EXPECT_EQ(code->sex, p.sex);
    EXPECT_TRUE(seen.insert(p.code()).second) << "duplicate " << p.code();
  }
}

TEST(PopulationTest, SharesArePlausible) {
  const Population& pop = Shared();
  size_t deceased = 0, estonian = 0, working_age = 0;
  std::set<uint8_t> counties;
  for (const Person& p : pop.persons) {
    deceased += p.alive() ? 0 : 1;
    estonian += p.citizenship == kEstonianCitizenship ? 1 : 0;
    int age = pop.AgeOf(p);
    working_age += p.alive() && age >= kWorkingAgeMin && age <= kWorkingAgeMax ? 1 : 0;
    counties.insert(CountyOf(pop.HomeOf(p)));
  }
  double n = static_cast<double>(pop.persons.size());
  EXPECT_GT(deceased / n, 0.01);
  EXPECT_LT(deceased / n, 0.08);
  EXPECT_GT(estonian / n, 0.75);
  EXPECT_LT(estonian / n, 0.97);
  EXPECT_EQ(counties.size(), Counties().size());
  double employed = static_cast<double>(pop.employments.size()) / static_cast<double>(working_age);
  EXPECT_GT(employed, 0.6);
  EXPECT_LT(employed, 0.8);
}

TEST(PopulationTest, ParentsWereEighteenToFortyFiveAndLinksPointBothWays) {
  const Population& pop = Shared();
  size_t children = 0;
  for (uint32_t i = 0; i < pop.persons.size(); ++i) {
    const Person& p = pop.persons[i];
    for (uint32_t parent : {p.mother, p.father}) {
      if (parent == kNone) continue;
      ++children;
      int age_at_birth = AgeInYears(pop.persons[parent].birth, p.birth);
      EXPECT_GE(age_at_birth, 18) << p.code();
      EXPECT_LE(age_at_birth, 45) << p.code();
      auto of_parent = pop.ChildrenOf(parent);
      EXPECT_NE(std::find(of_parent.begin(), of_parent.end(), i), of_parent.end());
    }
    if (p.mother != kNone) {
      EXPECT_EQ(pop.persons[p.mother].sex, identity::Sex::kFemale);
    }
    if (p.father != kNone) {
      EXPECT_EQ(pop.persons[p.father].sex, identity::Sex::kMale);
    }
    if (p.spouse != kNone) {
      EXPECT_EQ(pop.persons[p.spouse].spouse, i) << p.code();
      EXPECT_NE(p.spouse, i);
      EXPECT_GE(pop.AgeOf(p), kAdultAge);
    }
  }
  EXPECT_GT(children, 5000u);
}

TEST(PopulationTest, HouseholdMembersShareTheCurrentAddress) {
  const Population& pop = Shared();
  for (uint32_t h = 0; h < pop.households.size(); ++h) {
    const Household& home = pop.households[h];
    for (uint32_t i = home.first_member; i < home.first_member + home.member_count; ++i) {
      EXPECT_EQ(pop.persons[i].household, h);
      const Residence& current = pop.CurrentResidence(i);
      EXPECT_EQ(current.dwelling, home.dwelling);
      EXPECT_EQ(current.to, pop.persons[i].death);  // open for the living, ends at death
    }
  }
}

TEST(PopulationTest, AddressHistoryIsOrderedAndWithinEachLife) {
  const Population& pop = Shared();
  size_t with_history = 0;
  for (uint32_t i = 0; i < pop.persons.size(); ++i) {
    const Person& p = pop.persons[i];
    size_t begin = pop.first_residence[i];
    size_t end = i + 1 < pop.persons.size() ? pop.first_residence[i + 1] : pop.residences.size();
    ASSERT_GE(end - begin, 1u);
    ASSERT_LE(end - begin, 3u);
    with_history += end - begin > 1 ? 1 : 0;
    for (size_t r = begin; r < end; ++r) {
      const Residence& res = pop.residences[r];
      EXPECT_EQ(res.person, i);
      EXPECT_GE(res.from, p.birth);
      if (res.to != kNoDay) {
        EXPECT_LT(res.from, res.to);
      }
      if (r + 1 < end) {
        EXPECT_EQ(res.to, pop.residences[r + 1].from);
      } else {
        EXPECT_EQ(res.to, p.death);
      }
    }
  }
  double share = static_cast<double>(with_history) / static_cast<double>(pop.persons.size());
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.7);
}

TEST(PopulationTest, RegistryCodesAndIbansAreValidAndUnique) {
  const Population& pop = Shared();
  std::set<std::string_view> codes;
  for (const Company& c : pop.companies) {
    auto code = identity::RegistryCode::Parse(c.code());
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(code->kind, identity::LegalPersonKind::kCompany);
    EXPECT_TRUE(codes.insert(c.code()).second) << c.code();
  }
  for (const School& s : pop.schools) {
    auto code = identity::RegistryCode::Parse(s.registry_code);
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(code->kind, identity::LegalPersonKind::kPublicBody);
  }
  std::set<std::string_view> ibans;
  for (const Account& a : pop.accounts) {
    auto iban = identity::Iban::Parse(a.iban_text());
    ASSERT_TRUE(iban.ok()) << iban.status().ToString();
    EXPECT_EQ(iban->bban().substr(0, 2), kDemoBankCode);
    EXPECT_TRUE(ibans.insert(a.iban_text()).second) << a.iban_text();
    const Person& owner = pop.persons[a.owner];
    EXPECT_TRUE(owner.alive());
    EXPECT_GE(pop.AgeOf(owner), kAdultAge);
    EXPECT_GE(a.interest_cents_income_year, 0);
  }
}

TEST(PopulationTest, EmploymentOnlyForWorkingAgesWithIncomeFromTheStart) {
  const Population& pop = Shared();
  Day year_start = DayFromCivil(pop.income_year, 1, 1);
  for (uint32_t c = 0; c < pop.companies.size(); ++c) {
    const Company& company = pop.companies[c];
    ASSERT_GE(company.employment_count, 1u);
    std::set<uint32_t> staff;
    for (uint32_t e = company.first_employment; e < company.first_employment + company.employment_count; ++e) {
      EXPECT_EQ(pop.employments[e].company, c);
      staff.insert(pop.employments[e].person);
    }
    for (uint32_t member : company.board) {
      if (member != kNone) {
        EXPECT_TRUE(staff.count(member)) << "board member not employed";
      }
    }
  }
  std::set<uint32_t> employed;
  for (const Employment& e : pop.employments) {
    const Person& p = pop.persons[e.person];
    EXPECT_TRUE(p.alive());
    EXPECT_GE(pop.AgeOf(p), kWorkingAgeMin);
    EXPECT_LE(pop.AgeOf(p), kWorkingAgeMax);
    EXPECT_GE(e.from, AddYears(p.birth, kWorkingAgeMin));
    EXPECT_LT(e.from, pop.reference_date);
    EXPECT_TRUE(employed.insert(e.person).second) << "one job per person";
    if (e.from <= year_start) {
      for (int32_t cents : e.monthly_gross_cents) EXPECT_GT(cents, 50000);
    }
    if (e.from >= DayFromCivil(pop.income_year, 2, 1)) {
      EXPECT_EQ(e.monthly_gross_cents[0], 0);
    }
  }
}

TEST(PopulationTest, PupilsAreOfSchoolAgeInASchoolOfTheirCounty) {
  const Population& pop = Shared();
  std::set<uint32_t> seen;
  for (const Pupil& pupil : pop.pupils) {
    const Person& p = pop.persons[pupil.person];
    EXPECT_TRUE(p.alive());
    EXPECT_GE(pop.AgeOf(p), kPupilAgeMin);
    EXPECT_LE(pop.AgeOf(p), kPupilAgeMax);
    EXPECT_GE(pupil.grade, 1);
    EXPECT_LE(pupil.grade, 12);
    EXPECT_EQ(pop.schools[pupil.school].county, CountyOf(pop.HomeOf(p)));
    EXPECT_TRUE(seen.insert(pupil.person).second);
  }
}

std::string FilesOf(const Population& pop, const testing::TempDir& dir) {
  Status written = WritePopulationFiles(pop, dir.path().string());
  EXPECT_TRUE(written.ok()) << written.ToString();
  std::string all;
  for (const char* name : kPopulationFiles) {
    auto text = ReadFile(dir / name);
    EXPECT_TRUE(text.ok()) << name;
    if (text.ok()) all += *text;
  }
  return all;
}

TEST(PopulationTest, SameSeedGivesTheSameFilesAndAnotherSeedOthers) {
  testing::TempDir a, b, c;
  std::string first = FilesOf(MakePopulation(3000, 7), a);
  std::string again = FilesOf(MakePopulation(3000, 7), b);
  std::string other = FilesOf(MakePopulation(3000, 8), c);
  EXPECT_GT(first.size(), 100000u);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  auto persons = ReadFile(a / "persons.jsonl");
  ASSERT_TRUE(persons.ok());
  EXPECT_EQ(std::count(persons->begin(), persons->end(), '\n'), 3000);
}

TEST(PopulationTest, ThousandPersonsTakeMilliseconds) {
  auto start = std::chrono::steady_clock::now();
  Population pop = MakePopulation(1000, 3);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(pop.persons.size(), 1000u);
  EXPECT_LT(seconds, 0.5);  // about 2 ms in a release build
}

TEST(PopulationTest, RefusesImpossibleOptions) {
  GenerateOptions options;
  options.count = 0;
  EXPECT_EQ(Generate(options).status().code(), Code::kInvalidArgument);
  options.count = kMaxCount + 1;
  EXPECT_EQ(Generate(options).status().code(), Code::kInvalidArgument);
  options.count = 10;
  options.reference_date = DayFromCivil(1900, 1, 1);
  EXPECT_EQ(Generate(options).status().code(), Code::kInvalidArgument);
}

TEST(PopulationTest, ProgressReachesTheTotal) {
  int64_t last_done = -1, last_total = 0;
  GenerateOptions options;
  options.count = 200000;
  auto pop = Generate(options, [&](int64_t done, int64_t total) {
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
  });
  ASSERT_TRUE(pop.ok());
  EXPECT_GT(last_total, 0);
  EXPECT_EQ(last_done, last_total);
}

TEST(CalendarTest, DayNumbersRoundTripAndAgesCountBirthdays) {
  EXPECT_EQ(DayFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(FormatDay(kDefaultReferenceDate), "2025-01-01");
  for (Day d = -40000; d < 80000; d += 97) {
    CivilDate c = CivilFromDay(d);
    EXPECT_EQ(DayFromCivil(c.year, c.month, c.day), d);
  }
  Day birth = DayFromCivil(2000, 2, 29);
  EXPECT_EQ(AgeInYears(birth, DayFromCivil(2018, 2, 28)), 17);
  EXPECT_EQ(AgeInYears(birth, DayFromCivil(2018, 3, 1)), 18);
  EXPECT_EQ(FormatDay(AddYears(birth, 1)), "2001-02-28");
  EXPECT_EQ(ParseDay("2024-02-29").value(), DayFromCivil(2024, 2, 29));
  EXPECT_FALSE(ParseDay("2023-02-29").ok());
  EXPECT_FALSE(ParseDay("2023-2-28").ok());
}

}  // namespace
}  // namespace riik::population
