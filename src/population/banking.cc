// The bank phase: every living adult has a current account at the demo bank, some also
// a savings account; balances, and the interest each earned in the income year and the
// year before.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "identity/iban.h"
#include "population/internal.h"

namespace riik::population::internal {
namespace {

// National account numbers: the bank code, a 9-digit serial, the 7-3-1 check digit.
constexpr uint64_t kAccountSerials = 1'000'000'000;
constexpr uint64_t kAccountSerialStride = 982'451'653;  // prime: stepping through the serials never repeats
constexpr double kSavingsShare = 0.25;
// Yearly interest on savings accounts, income year and the year before.
constexpr double kSavingsRateIncomeYear = 0.03;
constexpr double kSavingsRateYearBefore = 0.015;

class AccountBuilder {
 public:
  AccountBuilder(uint64_t seed, PhaseProgress& progress, Population& population)
      : progress_(progress), pop_(population), rng_(seed, "bank"), serial_offset_(rng_.Next() % kAccountSerials) {}

  Status Run() {
    pop_.accounts.reserve(pop_.persons.size());
    for (uint32_t i = 0; i < pop_.persons.size(); ++i) {
      const Person& person = pop_.persons[i];
      if (person.alive() && pop_.AgeOf(person) >= kAdultAge) {
        RETURN_IF_ERROR(Open(i, AccountKind::kCurrent));
        if (rng_.Chance(kSavingsShare)) RETURN_IF_ERROR(Open(i, AccountKind::kSavings));
      }
      progress_.Report(2, i + 1);
    }
    return OkStatus();
  }

 private:
  Status Open(uint32_t owner, AccountKind kind) {
    uint64_t index = pop_.accounts.size();
    if (index >= kAccountSerials) return ResourceExhausted("too many accounts: generate fewer persons");
    uint64_t serial = (index * kAccountSerialStride + serial_offset_) % kAccountSerials;
    char digits[16];
    std::snprintf(digits, sizeof digits, "%.2s%09llu", kDemoBankCode.data(), static_cast<unsigned long long>(serial));
    std::string number(digits);
    number.push_back(static_cast<char>('0' + identity::EstonianAccountCheckDigit(number)));
    ASSIGN_OR_RETURN(identity::Iban iban, identity::Iban::MakeEstonian(kDemoBankCode, number));

    const Person& person = pop_.persons[owner];
    Account account;
    std::copy_n(iban.electronic.begin(), account.iban.size(), account.iban.begin());
    account.owner = owner;
    account.kind = kind;
    Day earliest = std::max(AddYears(person.birth, kAdultAge), AddYears(pop_.reference_date, -25));
    account.opened = rng_.Between(std::min(earliest, pop_.reference_date - 1), pop_.reference_date - 1);
    double median_euros = kind == AccountKind::kSavings ? 4000 : 900;
    account.balance_cents = std::llround(median_euros * 100 * std::exp(1.0 * rng_.Normalish()));
    if (kind == AccountKind::kSavings) {
      account.interest_cents_income_year = Interest(account, pop_.income_year, kSavingsRateIncomeYear);
      account.interest_cents_year_before = Interest(account, pop_.income_year - 1, kSavingsRateYearBefore);
    }
    pop_.accounts.push_back(account);
    return OkStatus();
  }

  // Interest on the balance for the part of `year` the account was open.
  static int32_t Interest(const Account& account, int year, double rate) {
    Day start = DayFromCivil(year, 1, 1), end = DayFromCivil(year + 1, 1, 1);
    if (account.opened >= end) return 0;
    double share = static_cast<double>(end - std::max(start, account.opened)) / static_cast<double>(end - start);
    return static_cast<int32_t>(std::llround(static_cast<double>(account.balance_cents) * rate * share));
  }

  PhaseProgress& progress_;
  Population& pop_;
  Rng rng_;
  const uint64_t serial_offset_;
};

}  // namespace

Status GenerateAccounts(uint64_t seed, PhaseProgress& progress, Population& population) {
  return AccountBuilder(seed, progress, population).Run();
}

}  // namespace riik::population::internal
