// Day numbers <-> civil dates (Howard Hinnant's algorithms, exact for any int32 day).
#include "population/calendar.h"

#include <cstdio>

#include "identity/personal_code.h"

namespace riik::population {

Day DayFromCivil(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDay(Day day) {
  const int z = day + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int day_of_era = z - era * 146097;
  const int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int mp = (5 * day_of_year + 2) / 153;
  CivilDate date;
  date.day = day_of_year - (153 * mp + 2) / 5 + 1;
  date.month = mp < 10 ? mp + 3 : mp - 9;
  date.year = year_of_era + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

int AgeInYears(Day birth, Day on) {
  CivilDate b = CivilFromDay(birth), o = CivilFromDay(on);
  int age = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --age;
  return age;
}

Day AddYears(Day day, int years) {
  CivilDate d = CivilFromDay(day);
  int year = d.year + years;
  int dom = d.day;
  if (d.month == 2 && dom == 29 && !identity::IsValidDate(year, 2, 29)) dom = 28;
  return DayFromCivil(year, d.month, dom);
}

std::string FormatDay(Day day) {
  CivilDate d = CivilFromDay(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<Day> ParseDay(std::string_view text) {
  auto digits = [&](size_t from, size_t count, int& out) {
    out = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, year) || !digits(5, 2, month) ||
      !digits(8, 2, day)) {
    return InvalidArgument("date '" + std::string(text.substr(0, 20)) + "' is not in the form YYYY-MM-DD");
  }
  if (!identity::IsValidDate(year, month, day)) {
    return InvalidArgument("date '" + std::string(text) + "' does not exist");
  }
  return DayFromCivil(year, month, day);
}

}  // namespace riik::population
