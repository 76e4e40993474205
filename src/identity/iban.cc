// IBAN validation and Estonian IBAN generation.
#include "identity/iban.h"

#include <array>
#include <functional>

namespace riik::identity {
namespace {

constexpr size_t kMaxInputChars = 64;  // the printed form of the longest IBAN is 42
constexpr size_t kMinIbanLength = 15;
constexpr size_t kMaxIbanLength = 34;

struct CountryLength {
  std::string_view country;
  size_t length;
};

// From the SWIFT IBAN registry.
constexpr std::array<CountryLength, 44> kCountryLengths = {{
    {"AD", 24}, {"AT", 20}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
    {"GL", 18}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MT", 31}, {"NL", 18}, {"NO", 15},
    {"PL", 28}, {"PT", 25}, {"RO", 24}, {"RS", 22}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"UA", 29},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsCapital(char c) { return c >= 'A' && c <= 'Z'; }

// The remainder mod 97 of `text` read as a number, letters standing for 10–35.
int Mod97(std::string_view text) {
  int rest = 0;
  for (char c : text) {
    if (IsDigit(c)) {
      rest = (rest * 10 + (c - '0')) % 97;
    } else {
      rest = (rest * 100 + (c - 'A' + 10)) % 97;
    }
  }
  return rest;
}

size_t ExpectedLength(std::string_view country) {
  for (const CountryLength& entry : kCountryLengths) {
    if (entry.country == country) return entry.length;
  }
  return 0;
}

// Spaces dropped and small letters made capital; anything else kept for the checks.
std::string Normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ' ') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

Status CheckEstonianRules(std::string_view bban, const std::function<Status(const std::string&)>& invalid) {
  for (char c : bban) {
    if (!IsDigit(c)) return invalid("has a letter in the account part; Estonian account numbers are digits");
  }
  std::string_view account = bban.substr(2);
  size_t first = account.find_first_not_of('0');
  if (first == std::string_view::npos) return invalid("has an account number of only zeros");
  std::string_view significant = account.substr(first);
  if (significant.size() < 2) return invalid("has an account number too short for its check digit");
  int want = EstonianAccountCheckDigit(significant.substr(0, significant.size() - 1));
  if (significant.back() - '0' != want) {
    return invalid("fails the Estonian account number check (7-3-1): its last digit should be " + std::to_string(want));
  }
  return OkStatus();
}

}  // namespace

std::string Iban::Printed() const {
  std::string out;
  for (size_t i = 0; i < electronic.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(electronic[i]);
  }
  return out;
}

int IbanCheckDigits(std::string_view country, std::string_view bban) {
  std::string rearranged(bban);
  rearranged.append(country);
  rearranged.append("00");
  return 98 - Mod97(rearranged);
}

int EstonianAccountCheckDigit(std::string_view digits) {
  static constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    sum += (digits[digits.size() - 1 - i] - '0') * kWeights[i % 3];
  }
  return (10 - sum % 10) % 10;
}

Result<Iban> Iban::Parse(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("IBAN '" + std::string(text.substr(0, 40)) + "' " + why);
  };
  if (text.size() > kMaxInputChars) return invalid("is longer than " + std::to_string(kMaxInputChars) + " characters");
  std::string iban = Normalise(text);
  for (size_t i = 0; i < iban.size(); ++i) {
    if (!IsDigit(iban[i]) && !IsCapital(iban[i])) {
      return invalid("has a character other than a letter, digit or space at position " + std::to_string(i + 1));
    }
  }
  if (iban.size() < kMinIbanLength || iban.size() > kMaxIbanLength) {
    return invalid("has " + std::to_string(iban.size()) + " letters and digits; an IBAN has 15 to 34");
  }
  if (!IsCapital(iban[0]) || !IsCapital(iban[1])) return invalid("does not start with a two-letter country code");
  if (!IsDigit(iban[2]) || !IsDigit(iban[3])) return invalid("does not have two check digits after the country code");
  std::string_view country = std::string_view(iban).substr(0, 2);
  size_t expected = ExpectedLength(country);
  if (expected != 0 && iban.size() != expected) {
    return invalid("has " + std::to_string(iban.size()) + " letters and digits; IBANs of " + std::string(country) +
                   " have " + std::to_string(expected));
  }
  std::string_view bban = std::string_view(iban).substr(4);
  int want = IbanCheckDigits(country, bban);
  int have = (iban[2] - '0') * 10 + (iban[3] - '0');
  if (have != want) {
    std::string digits = (want < 10 ? "0" : "") + std::to_string(want);
    return invalid("fails the mod-97 check: the check digits should be " + digits);
  }
  if (country == "EE") RETURN_IF_ERROR(CheckEstonianRules(bban, invalid));
  return Iban{std::move(iban)};
}

Result<Iban> Iban::MakeEstonian(std::string_view bank_code, std::string_view account_number) {
  if (bank_code.size() != 2 || !IsDigit(bank_code[0]) || !IsDigit(bank_code[1])) {
    return InvalidArgument("an Estonian bank code is two digits");
  }
  if (account_number.empty() || account_number.size() > 14) {
    return InvalidArgument("an Estonian account number has 1 to 14 digits");
  }
  for (char c : account_number) {
    if (!IsDigit(c)) return InvalidArgument("an Estonian account number has only digits");
  }
  std::string bban(bank_code);
  bban.append(14 - account_number.size(), '0');
  bban.append(account_number);
  int check = IbanCheckDigits("EE", bban);
  std::string iban = "EE";
  iban.push_back(static_cast<char>('0' + check / 10));
  iban.push_back(static_cast<char>('0' + check % 10));
  iban.append(bban);
  return Parse(iban);
}

}  // namespace riik::identity
