// Personal code validation and generation.
#include "identity/personal_code.h"

#include <cstdio>

namespace riik::identity {
namespace {

int Digit(char c) { return c - '0'; }

}  // namespace

bool IsValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

int PersonalCodeCheckDigit(std::string_view first_ten) {
  static constexpr int kWeights1[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1};
  static constexpr int kWeights2[] = {3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += Digit(first_ten[i]) * kWeights1[i];
  if (sum % 11 != 10) return sum % 11;
  sum = 0;
  for (int i = 0; i < 10; ++i) sum += Digit(first_ten[i]) * kWeights2[i];
  return sum % 11 == 10 ? 0 : sum % 11;
}

Result<PersonalCode> PersonalCode::Parse(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("personal code '" + std::string(text.substr(0, 20)) + "' " + why);
  };
  if (text.size() != 11) return invalid("has " + std::to_string(text.size()) + " characters, not 11 digits");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return invalid("has a non-digit at position " + std::to_string(i + 1));
  }
  int g = Digit(text[0]);
  if (g < 1 || g > 8) return invalid("starts with " + std::to_string(g) + "; the first digit must be 1 to 8 (century and sex)");
  PersonalCode pc;
  pc.code = std::string(text);
  pc.sex = g % 2 == 1 ? Sex::kMale : Sex::kFemale;
  pc.year = 1800 + (g - 1) / 2 * 100 + Digit(text[1]) * 10 + Digit(text[2]);
  pc.month = Digit(text[3]) * 10 + Digit(text[4]);
  pc.day = Digit(text[5]) * 10 + Digit(text[6]);
  pc.serial = Digit(text[7]) * 100 + Digit(text[8]) * 10 + Digit(text[9]);
  if (!IsValidDate(pc.year, pc.month, pc.day)) {
    char date[40];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", pc.year, pc.month, pc.day);
    return invalid("has an impossible date of birth " + std::string(date));
  }
  int want = PersonalCodeCheckDigit(text);
  if (Digit(text[10]) != want) {
    return invalid("fails the checksum: the last digit should be " + std::to_string(want));
  }
  return pc;
}

Result<PersonalCode> PersonalCode::Make(Sex sex, int year, int month, int day, int serial) {
  if (year < 1800 || year > 2199) return InvalidArgument("year " + std::to_string(year) + " is outside 1800–2199");
  if (!IsValidDate(year, month, day)) return InvalidArgument("impossible date of birth");
  if (serial < 0 || serial > 999) return InvalidArgument("serial must be 0 to 999");
  int g = (year - 1800) / 100 * 2 + (sex == Sex::kMale ? 1 : 2);
  char first[64];
  int n = std::snprintf(first, sizeof first, "%d%02d%02d%02d%03d", g, year % 100, month, day, serial);
  if (n != 10) return Internal("personal code did not come out as 10 digits before the check digit");
  std::string code(first, 10);
  code.push_back(static_cast<char>('0' + PersonalCodeCheckDigit(code)));
  return Parse(code);
}

}  // namespace riik::identity
