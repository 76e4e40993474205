// Estonian personal identification codes (isikukood), as on the ID card and in every
// registry: G YYMMDD SSS C, 11 digits.
//   G    century and sex: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s, 7/8 = 2100s; odd male, even female
//   YYMMDD  date of birth (a real calendar date)
//   SSS  serial number of those born that day
//   C    check digit: sum of digits × 1 2 3 4 5 6 7 8 9 1 mod 11; if 10, with weights
//        3 4 5 6 7 8 9 1 2 3; if again 10, the digit is 0
// In certificates a code appears as serialNumber=PNOEE-<code>; in tokens and X-Road
// headers as EE<code>.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::identity {

enum class Sex { kMale, kFemale };

struct PersonalCode {
  std::string code;  // the 11 digits
  int year = 0;
  int month = 0;
  int day = 0;
  Sex sex = Sex::kMale;
  int serial = 0;

  // Parses and validates. InvalidArgument says which rule failed: length, a non-digit,
  // the century digit, the date, or the checksum (with the digit expected).
  static Result<PersonalCode> Parse(std::string_view text);
  // Builds the code for a person; fails for years outside 1800–2199, impossible dates
  // or a serial outside 0–999.
  static Result<PersonalCode> Make(Sex sex, int year, int month, int day, int serial);

  std::string Pno() const { return "PNOEE-" + code; }       // certificate serialNumber
  std::string XRoadUserId() const { return "EE" + code; }   // X-Road-UserId, tokens
};

// The check digit of the first ten digits (which must be digits).
int PersonalCodeCheckDigit(std::string_view first_ten);

// Whether year-month-day is a real date of the Gregorian calendar.
bool IsValidDate(int year, int month, int day);

}  // namespace riik::identity
