// AdoptIdentities: choosing a host person per fixed identity, and rewriting them.
#include "population/adopt.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "population/citizenship.h"

namespace riik::population {

namespace {

// Puts `person` on the board of the first company with an empty seat (else in the first
// company's first seat), unless they sit on one already.
void SeatOnBoard(Population& pop, uint32_t person) {
  if (pop.companies.empty()) return;
  for (const Company& c : pop.companies) {
    if (std::find(c.board.begin(), c.board.end(), person) != c.board.end()) return;
  }
  for (Company& c : pop.companies) {
    if (auto seat = std::find(c.board.begin(), c.board.end(), kNone); seat != c.board.end()) {
      *seat = person;
      return;
    }
  }
  pop.companies.front().board.front() = person;
}

}  // namespace

Result<int> AdoptIdentities(Population& pop, std::span<const identity::DemoPerson> people) {
  std::unordered_set<std::string_view> codes;
  codes.reserve(pop.persons.size());
  for (const Person& p : pop.persons) codes.insert(p.code());
  std::unordered_set<uint32_t> taken;
  int placed = 0;
  // A demo citizen is an Estonian of one family: a host with Estonian citizenship whose
  // spouse, if any, has it too and bears the family's name, if there is one.
  const auto est = static_cast<uint8_t>(
      std::find(Citizenships().begin(), Citizenships().end(), std::string_view("EST")) - Citizenships().begin());
  auto estonian_family = [&](const Person& p) {
    if (p.citizenship != est) return false;
    if (p.spouse == kNone) return true;
    const Person& spouse = pop.persons[p.spouse];
    return spouse.citizenship == est && spouse.surname == p.surname;
  };
  // The demo's flows need a citizen with a job and with interest at the bank (the
  // pre-filled tax return shows both).
  std::unordered_set<uint32_t> employed, with_interest;
  for (const Employment& e : pop.employments) employed.insert(e.person);
  for (const Account& a : pop.accounts) {
    if (a.interest_cents_income_year > 0) with_interest.insert(a.owner);
  }
  // The best host by rank, the first found of it: an Estonian family first, then income
  // and interest, then a host born on or after the fixed birth date (who keeps every date
  // of their life after it) before one born earlier in the year.
  auto host_for = [&](const identity::DemoPerson& fixed, Day birth) -> uint32_t {
    std::array<uint32_t, 8> best;
    best.fill(kNone);
    for (uint32_t i = 0; i < pop.persons.size(); ++i) {
      const Person& p = pop.persons[i];
      if (!p.alive() || p.sex != fixed.sex || CivilFromDay(p.birth).year != fixed.year || taken.count(i)) continue;
      const size_t rank = (estonian_family(p) ? 0 : 4) + (employed.count(i) && with_interest.count(i) ? 0 : 2) +
                          (p.birth >= birth ? 0 : 1);
      if (rank == 0) return i;
      if (best[rank] == kNone) best[rank] = i;
    }
    for (uint32_t b : best) {
      if (b != kNone) return b;
    }
    return kNone;
  };
  // The host's spouse and children who bore the host's surname bear the new one.
  auto rename_family = [&](uint32_t host, uint16_t old_surname, const std::string& surname) {
    std::vector<uint32_t> family = pop.ChildrenOf(host);
    if (pop.persons[host].spouse != kNone) family.push_back(pop.persons[host].spouse);
    for (uint32_t m : family) {
      if (pop.persons[m].surname != old_surname || pop.fixed_names.count(m)) continue;
      pop.fixed_names[m] = {std::string(pop.GivenNameOf(m)), surname};
    }
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
    p.citizenship = est;  // a demo citizen is an Estonian, also where no Estonian host was found
    size_t end = host + 1 < pop.first_residence.size() ? pop.first_residence[host + 1] : pop.residences.size();
    for (size_t r = pop.first_residence[host]; r < end; ++r) {
      pop.residences[r].from = std::max(pop.residences[r].from, birth);
    }
    pop.fixed_names[host] = {fixed.given, fixed.surname};
    rename_family(host, p.surname, fixed.surname);
    if (fixed.on_board) SeatOnBoard(pop, host);
    taken.insert(host);
    ++placed;
  }
  return placed;
}

}  // namespace riik::population
