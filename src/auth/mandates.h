// Acting for a company (Estonia's mandates): the companies a person may represent are
// those whose board they sit on in the business register, read live through the
// exchange when they sign in; the ID token then names the company chosen (TARA's
// `represents_legal_person`), and the service's calls made for it carry
// X-Road-Represented-Party.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/eid_check.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::auth {

// A company a person acts for.
struct LegalPerson {
  std::string registry_code;  // 8 digits, checked
  std::string name;           // as the business register names it
  bool operator==(const LegalPerson&) const = default;
};

// Reads the companies `person` sits on the board of. It blocks (a call through the
// exchange): Unavailable when the register cannot be asked.
using MandateLookup = std::function<Result<std::vector<LegalPerson>>(const Person& person)>;

inline constexpr size_t kMaxMandates = 100;  // companies offered at most
inline constexpr size_t kMaxCompanyNameBytes = 300;

// The board seats in the business register's answer to GET roles/{code} (
// {"person": CODE, "roles": [{"company", "name", "role", "since"}, …]}), in its order;
// employment and other roles are not mandates. DataLoss when the answer is about
// another person, is not of that shape, names a company by an invalid registry code or
// a name with control characters, or lists more than kMaxMandates board seats.
Result<std::vector<LegalPerson>> BoardSeats(const Json& answer, std::string_view person_code);

// The ID token's and userinfo's claim: {"registry_code", "name"}.
Json LegalPersonClaim(const LegalPerson& company);
// The company from that claim; InvalidArgument if it is not one.
Result<LegalPerson> LegalPersonFromClaim(const Json& claim);

// X-Road-Represented-Party for a company: "COM/<registry code>" (the party's class and
// code, as X-Road's third-party representation extension names a party).
std::string RepresentedParty(const LegalPerson& company);

}  // namespace riik::auth
