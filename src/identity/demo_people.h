// The demo citizens of `riik up`: the people whose eIDs it enrolls (cli/demo_citizens)
// and whom the registries place in their population (population/adopt.h). One list, so the two
// cannot drift apart; codes are derived with PersonalCode::Make.
#pragma once

#include "identity/personal_code.h"

namespace riik::identity {

struct DemoPerson {
  Sex sex;
  int year, month, day, serial;
  const char* given;
  const char* surname;
  bool on_board = false;  // sits on a company's board in the business register (acts for it)
};

inline constexpr DemoPerson kDemoPeople[] = {
    {Sex::kMale, 1980, 1, 8, 571, "Jaak-Kristjan", "Jõeorg"},
    {Sex::kFemale, 1994, 3, 13, 652, "Mari-Liis", "Männik"},
    {Sex::kMale, 1961, 7, 21, 214, "Tõnu", "Tamm", true},
    {Sex::kFemale, 2004, 11, 2, 93, "Kadri", "Kask"},
};

}  // namespace riik::identity
