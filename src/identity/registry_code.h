// Estonian registry codes (registrikood) of legal persons, as in the business register
// and on every invoice: 8 digits, T NNNNNN C.
//   T       the kind of legal person: 1 company, 7 state or municipal body,
//           8 non-profit association, 9 foundation
//   NNNNNN  a serial
//   C       check digit: the personal-code scheme over the first seven digits
//           (weights 1 2 3 4 5 6 7 mod 11; if 10, weights 3 4 5 6 7 8 9; if again 10, 0)
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::identity {

enum class LegalPersonKind { kCompany, kPublicBody, kNonProfit, kFoundation };

struct RegistryCode {
  std::string code;  // the 8 digits
  LegalPersonKind kind = LegalPersonKind::kCompany;

  // Parses and validates. InvalidArgument says which rule failed: length, a non-digit,
  // the first digit (kind), or the checksum (with the digit expected).
  static Result<RegistryCode> Parse(std::string_view text);
  // Builds the code whose first seven digits are `first_seven` (1000000–9999999, the
  // first digit one of the kinds above) by appending the check digit.
  static Result<RegistryCode> Make(int first_seven);
};

// The check digit of the first seven digits (which must be digits).
int RegistryCodeCheckDigit(std::string_view first_seven);

// "company", "public body", "non-profit association" or "foundation".
std::string_view LegalPersonKindName(LegalPersonKind kind);

}  // namespace riik::identity
