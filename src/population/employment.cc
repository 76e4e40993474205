// The employment phase: companies in each county, sized like Estonia's (mostly micro
// firms, a few large employers), their board members and employees, and the monthly
// gross wages employers reported for the income year.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "identity/registry_code.h"
#include "population/geography.h"
#include "population/internal.h"
#include "population/names.h"

namespace riik::population::internal {
namespace {

// Companies' registry codes are 1NNNNNNC: the first seven digits from this range.
constexpr int kFirstCompanySerial = 1'000'000;
constexpr int kCompanySerials = 1'000'000;
constexpr int kCompanySerialStride = 7919;  // prime, so stepping through the range never repeats

// Employees per company.
constexpr WeightedRange kCompanySizes[] = {{1, 1, 45},   {2, 4, 30},     {5, 9, 12},
                                           {10, 49, 10}, {50, 249, 2.5}, {250, 1500, 0.5}};
// Wages relative to the country's, by county (in the order of Counties()).
constexpr double kRegionalWageFactor[] = {1.15, 0.85, 0.8, 0.85, 0.9, 0.9, 0.9, 0.85,
                                          0.95, 0.9,  0.9, 1.0,  0.8, 0.9, 0.85};

constexpr std::string_view kNameWords[] = {
    "Balti",   "Põhja",   "Lõuna",  "Lääne",     "Ida",    "Tamme",      "Kivi",     "Metsa",  "Mere",   "Saare",
    "Järve",   "Päikese", "Tähe",   "Kalevi",    "Hansa",  "Vikerkaare", "Linnu",    "Karu",   "Ilvese", "Kotka",
    "Rebase",  "Tuule",   "Põllu",  "Rukki",     "Lina",   "Männi",      "Kase",     "Vahtra", "Pärna",  "Kuuse",
    "Sarapuu", "Valge",   "Kuld",   "Hõbe",      "Nordic", "Baltic",     "Tallinna", "Tartu",  "Pärnu",  "Viru",
    "Harju",   "Sakala",  "Ugandi", "Läänemere", "Emajõe", "Toome",
};
constexpr std::string_view kTrades[] = {
    "Ehitus",    "Kinnisvara", "Logistika", "Tarkvara",        "Konsult", "Puit",      "Transport", "Teenused",
    "Agro",      "Tehnika",    "Disain",    "Energia",         "Meedia",  "Kaubandus", "Invest",    "Grupp",
    "Solutions", "Systems",    "Auto",      "Metall",          "Mööbel",  "Toit",      "Pagar",     "Farm",
    "Aed",       "Hooldus",    "Elekter",   "Katus",           "Aknad",   "Kalandus",  "Reisid",    "Majutus",
    "Ilusalong", "Tervis",     "Hambaravi", "Raamatupidamine", "Digital", "Haldus",
};

// Whether a person is employed: by age at the reference date, about 70% of working age.
double EmploymentRate(int age) {
  if (age < kWorkingAgeMin || age > kWorkingAgeMax) return 0;
  if (age < 25) return 0.5;
  if (age < 55) return 0.8;
  return 0.62;
}

// Median monthly gross wage in euros by age (Statistics Estonia, roughly, 2024).
double MedianWage(int age) {
  if (age < 25) return 1250;
  if (age < 35) return 1900;
  if (age < 55) return 2000;
  return 1700;
}

class EmploymentBuilder {
 public:
  EmploymentBuilder(uint64_t seed, DwellingAllocator& dwellings, const SettlementChooser& places,
                    PhaseProgress& progress, Population& population)
      : dwellings_(dwellings),
        places_(places),
        progress_(progress),
        pop_(population),
        rng_(seed, "employment"),
        sizes_(kCompanySizes),
        serial_offset_(static_cast<int>(rng_.Below(kCompanySerials))) {
    for (int month = 1; month <= kIncomeMonths; ++month) {
      month_starts_[month - 1] = DayFromCivil(pop_.income_year, month, 1);
    }
    month_starts_[kIncomeMonths] = DayFromCivil(pop_.income_year + 1, 1, 1);
  }

  Status Run() {
    std::vector<std::vector<uint32_t>> workers_by_county = DrawWorkers();
    pop_.employments.reserve(pop_.persons.size() / 2);
    for (uint8_t county = 0; county < workers_by_county.size(); ++county) {
      RETURN_IF_ERROR(AddCompanies(county, workers_by_county[county]));
      progress_.Report(1, static_cast<int64_t>(pop_.persons.size() * (county + 1u) / workers_by_county.size()));
    }
    return OkStatus();
  }

 private:
  std::vector<std::vector<uint32_t>> DrawWorkers() {
    std::vector<std::vector<uint32_t>> by_county(Counties().size());
    for (uint32_t i = 0; i < pop_.persons.size(); ++i) {
      const Person& person = pop_.persons[i];
      if (!person.alive() || !rng_.Chance(EmploymentRate(pop_.AgeOf(person)))) continue;
      by_county[CountyOf(pop_.HomeOf(person))].push_back(i);
    }
    return by_county;
  }

  Status AddCompanies(uint8_t county, std::vector<uint32_t>& workers) {
    // Shuffle (Fisher–Yates) so that colleagues are not neighbours in the registry.
    for (size_t i = workers.size(); i > 1; --i)
      std::swap(workers[i - 1], workers[rng_.Below(static_cast<uint32_t>(i))]);
    size_t next = 0;
    while (next < workers.size()) {
      size_t size = std::min<size_t>(static_cast<size_t>(sizes_.Draw(rng_)), workers.size() - next);
      RETURN_IF_ERROR(AddCompany(county, std::span(workers).subspan(next, size)));
      next += size;
    }
    return OkStatus();
  }

  Status AddCompany(uint8_t county, std::span<const uint32_t> staff) {
    const uint32_t index = static_cast<uint32_t>(pop_.companies.size());
    if (index >= static_cast<uint32_t>(kCompanySerials)) {
      return ResourceExhausted("more than " + std::to_string(kCompanySerials) + " companies: generate fewer persons");
    }
    int serial =
        kFirstCompanySerial +
        static_cast<int>((static_cast<int64_t>(index) * kCompanySerialStride + serial_offset_) % kCompanySerials);
    ASSIGN_OR_RETURN(identity::RegistryCode code, identity::RegistryCode::Make(serial));
    Company company;
    std::copy_n(code.code.begin(), company.registry_code.size(), company.registry_code.begin());
    company.county = county;
    company.seat = dwellings_.Allocate(places_.InCounty(rng_, county));
    company.founded =
        rng_.Between(std::max(DayFromCivil(1992, 1, 1), AddYears(pop_.reference_date, -30)), pop_.reference_date - 30);
    size_t board_size = staff.size() < 3 ? 1 : staff.size() < 10 ? rng_.Between(1, 2) : rng_.Between(2, 3);
    for (size_t i = 0; i < board_size; ++i) company.board[i] = staff[i];
    company.name = Name(staff.size(), pop_.persons[staff[0]].surname);
    company.first_employment = static_cast<uint32_t>(pop_.employments.size());
    company.employment_count = static_cast<uint32_t>(staff.size());
    for (uint32_t person : staff) pop_.employments.push_back(Employ(person, index, company));
    pop_.companies.push_back(std::move(company));
    return OkStatus();
  }

  // "Tamme Ehitus OÜ", "Kask Konsult OÜ" (after its founder), "AS Balti Logistika".
  std::string Name(size_t staff, uint16_t founder_surname) {
    std::string_view trade = kTrades[rng_.Below(std::size(kTrades))];
    std::string_view word =
        rng_.Chance(0.3) ? Surnames()[founder_surname] : kNameWords[rng_.Below(std::size(kNameWords))];
    double public_share = staff >= 250 ? 0.6 : staff >= 50 ? 0.2 : 0.02;
    std::string name(word);
    name.append(" ").append(trade);
    return rng_.Chance(public_share) ? "AS " + name : name + " OÜ";
  }

  Employment Employ(uint32_t person_index, uint32_t company_index, const Company& company) {
    const Person& person = pop_.persons[person_index];
    Employment job;
    job.person = person_index;
    job.company = company_index;
    Day earliest = std::max(company.founded, AddYears(person.birth, kWorkingAgeMin));
    job.from = rng_.Between(std::min(earliest, pop_.reference_date - 1), pop_.reference_date - 1);
    double size_factor = company.employment_count >= 250 ? 1.15 : company.employment_count == 1 ? 0.8 : 1.0;
    double region_factor = kRegionalWageFactor[company.county];
    double wage = MedianWage(pop_.AgeOf(person)) * size_factor * region_factor * std::exp(0.45 * rng_.Normalish());
    wage = std::clamp(wage, 820.0, 25000.0);
    for (int m = 0; m < kIncomeMonths; ++m) job.monthly_gross_cents[m] = MonthlyPay(wage, job.from, m);
    return job;
  }

  // The month's pay in cents: the wage, a little varied, a bonus now and then in
  // December, prorated in the month the job began, nothing before.
  int32_t MonthlyPay(double wage, Day from, int month) {
    Day start = month_starts_[month], end = month_starts_[month + 1];
    if (from >= end) return 0;
    double pay = wage * (1.0 + 0.03 * rng_.Normalish());
    if (month == kIncomeMonths - 1 && rng_.Chance(0.25)) pay += 0.5 * wage;
    if (from > start) pay *= static_cast<double>(end - from) / static_cast<double>(end - start);
    return static_cast<int32_t>(std::llround(pay * 100));
  }

  DwellingAllocator& dwellings_;
  const SettlementChooser& places_;
  PhaseProgress& progress_;
  Population& pop_;
  Rng rng_;
  const RangeChoice sizes_;
  const int serial_offset_;
  std::array<Day, kIncomeMonths + 1> month_starts_{};
};

}  // namespace

Status GenerateEmployment(uint64_t seed, DwellingAllocator& dwellings, const SettlementChooser& places,
                          PhaseProgress& progress, Population& population) {
  return EmploymentBuilder(seed, dwellings, places, progress, population).Run();
}

}  // namespace riik::population::internal
