// International Bank Account Numbers (ISO 13616), with Estonia's national rules.
//   CC KK BBAN     CC country (ISO 3166 letters), KK check digits 02–98 such that the
//                  number read as BBAN CC KK, letters as 10–35, is 1 mod 97 (ISO 7064)
//   Estonia:       EE KK BB AAAAAAAAAAAAAA, 20 characters: BB the bank code, then the
//                  14-digit national account number (left-padded with zeros) whose last
//                  digit is its own 7-3-1 check digit.
// Lengths are checked for the countries in a built-in table (Europe and neighbours);
// other countries get only the general rules (15–34 characters, mod 97).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::identity {

struct Iban {
  std::string electronic;  // capitals and digits, no spaces: EE382200221020145685

  std::string_view country() const { return std::string_view(electronic).substr(0, 2); }
  std::string_view bban() const { return std::string_view(electronic).substr(4); }
  // In groups of four, as printed on paper: "EE38 2200 2210 2014 5685".
  std::string Printed() const;

  // Parses the electronic or the printed form (spaces are dropped, small letters made
  // capital). InvalidArgument says which rule failed: length, a character, the country,
  // the check digits (with the ones expected), or a national rule.
  static Result<Iban> Parse(std::string_view text);
  // The Estonian IBAN of `account_number` (up to 14 digits, its 7-3-1 check digit last)
  // at the bank with the two-digit `bank_code`.
  static Result<Iban> MakeEstonian(std::string_view bank_code, std::string_view account_number);
};

// The two ISO 7064 check digits for `country` (two capitals) and `bban` (capitals and
// digits), 2 to 98.
int IbanCheckDigits(std::string_view country, std::string_view bban);

// The 7-3-1 check digit of an Estonian account number's other digits: weights 7, 3, 1
// repeating from the right, the digit that brings the sum to a multiple of 10.
int EstonianAccountCheckDigit(std::string_view digits);

}  // namespace riik::identity
