// Dates as day numbers (days since 1970-01-01, negative before), the form the
// population keeps them in: 4 bytes, exact arithmetic, no time zones.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::population {

using Day = int32_t;
inline constexpr Day kNoDay = std::numeric_limits<Day>::min();

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1–12
  int day = 1;    // 1–31
};

// The day number of a proleptic Gregorian date (which must be a real date).
Day DayFromCivil(int year, int month, int day);
CivilDate CivilFromDay(Day day);

// Whole years from `birth` to `on` (birthdays on 29 February count on 1 March in other years).
int AgeInYears(Day birth, Day on);
// The same calendar day `years` later (29 February becomes 28 February).
Day AddYears(Day day, int years);

// "YYYY-MM-DD".
std::string FormatDay(Day day);
// Parses "YYYY-MM-DD"; InvalidArgument for anything else or an impossible date.
Result<Day> ParseDay(std::string_view text);

}  // namespace riik::population
