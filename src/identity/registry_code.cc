// Registry code validation and generation.
#include "identity/registry_code.h"

#include <optional>

#include "identity/personal_code.h"

namespace riik::identity {
namespace {

std::optional<LegalPersonKind> KindOfFirstDigit(char c) {
  switch (c) {
    case '1':
      return LegalPersonKind::kCompany;
    case '7':
      return LegalPersonKind::kPublicBody;
    case '8':
      return LegalPersonKind::kNonProfit;
    case '9':
      return LegalPersonKind::kFoundation;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view LegalPersonKindName(LegalPersonKind kind) {
  switch (kind) {
    case LegalPersonKind::kCompany:
      return "company";
    case LegalPersonKind::kPublicBody:
      return "public body";
    case LegalPersonKind::kNonProfit:
      return "non-profit association";
    case LegalPersonKind::kFoundation:
      return "foundation";
  }
  return "unknown";
}

int RegistryCodeCheckDigit(std::string_view first_seven) {
  // Both weight sets of the personal code start the same way; the zeros add nothing,
  // so the personal-code rule over "NNNNNNN000" is the registry-code rule.
  std::string padded(first_seven.substr(0, 7));
  padded.append("000");
  return PersonalCodeCheckDigit(padded);
}

Result<RegistryCode> RegistryCode::Parse(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("registry code '" + std::string(text.substr(0, 20)) + "' " + why);
  };
  if (text.size() != 8) return invalid("has " + std::to_string(text.size()) + " characters, not 8 digits");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return invalid("has a non-digit at position " + std::to_string(i + 1));
  }
  std::optional<LegalPersonKind> kind = KindOfFirstDigit(text[0]);
  if (!kind) {
    return invalid("starts with " + std::string(1, text[0]) +
                   "; the first digit must be 1 (company), 7 (public body), 8 (non-profit) or 9 (foundation)");
  }
  int want = RegistryCodeCheckDigit(text);
  if (text[7] - '0' != want) return invalid("fails the checksum: the last digit should be " + std::to_string(want));
  return RegistryCode{std::string(text), *kind};
}

Result<RegistryCode> RegistryCode::Make(int first_seven) {
  if (first_seven < 1000000 || first_seven > 9999999) {
    return InvalidArgument("the first seven digits of a registry code must be 1000000–9999999, not " +
                           std::to_string(first_seven));
  }
  std::string code = std::to_string(first_seven);
  code.push_back(static_cast<char>('0' + RegistryCodeCheckDigit(code)));
  return Parse(code);
}

}  // namespace riik::identity
