// Mandates (mandates.h).
#include "auth/mandates.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "identity/registry_code.h"

namespace riik::auth {
namespace {

Result<LegalPerson> Company(std::string_view code, std::string_view name) {
  auto parsed = identity::RegistryCode::Parse(code);
  if (!parsed.ok()) return InvalidArgument("'" + std::string(code.substr(0, 16)) + "': " + parsed.status().message());
  if (name.empty() || name.size() > kMaxCompanyNameBytes || !IsPlainText(name)) {
    return InvalidArgument("company " + parsed->code + " has no name, or one over " +
                           std::to_string(kMaxCompanyNameBytes) + " bytes or with control characters");
  }
  return LegalPerson{parsed->code, std::string(name)};
}

}  // namespace

Result<std::vector<LegalPerson>> BoardSeats(const Json& answer, std::string_view person_code) {
  if (!answer.is_object() || !answer.contains("roles") || !answer["roles"].is_array()) {
    return DataLoss("the business register's answer has no list of roles");
  }
  if (StringOr(answer, "person") != person_code) return DataLoss("the business register answered about another person");
  std::vector<LegalPerson> out;
  for (const Json& role : answer["roles"]) {
    if (!role.is_object()) return DataLoss("the business register's answer lists a role that is not an object");
    if (StringOr(role, "role") != "board") continue;
    auto company = Company(StringOr(role, "company"), StringOr(role, "name"));
    if (!company.ok()) return DataLoss("the business register's answer: " + company.status().message());
    if (out.size() == kMaxMandates) {
      return DataLoss("the business register lists over " + std::to_string(kMaxMandates) + " board seats");
    }
    if (std::find(out.begin(), out.end(), *company) == out.end()) out.push_back(std::move(*company));
  }
  return out;
}

Json LegalPersonClaim(const LegalPerson& company) {
  return {{"registry_code", company.registry_code}, {"name", company.name}};
}

Result<LegalPerson> LegalPersonFromClaim(const Json& claim) {
  if (!claim.is_object()) return InvalidArgument("represents_legal_person is not an object");
  return Company(StringOr(claim, "registry_code"), StringOr(claim, "name"));
}

std::string RepresentedParty(const LegalPerson& company) { return "COM/" + company.registry_code; }

}  // namespace riik::auth
