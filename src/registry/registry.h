// The state's base registries (role `registry`): the population register, the business
// register, the Tax and Customs Board, a bank and the education register. Each is a
// member of the data exchange with its own store and security server; its services are
// the backends its security server relays to, so every other member asks it for its
// data instead of asking the citizen. Services and their answers: docs/registries.md.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::registry {

enum class Kind { kPopulation, kBusiness, kTax, kBank, kEducation };

struct ServiceInfo {
  const char* code;  // the service code under the registry's subsystem, e.g. "person"
  const char* description;
};

struct RegistryInfo {
  Kind kind;
  const char* name;         // the role's `registry` setting: "population", …
  const char* member;       // its exchange member: INSTANCE/CLASS/CODE, the code a valid registry code
  const char* member_name;  // "Population Register"
  const char* subsystem;    // the subsystem it serves and calls as
  std::vector<ServiceInfo> services;

  // "EE/GOV/70000013/population"
  std::string ClientId() const { return std::string(member) + "/" + subsystem; }
};

// All five, in a fixed order.
std::span<const RegistryInfo> Registries();
// By name; InvalidArgument listing the known names otherwise.
Result<const RegistryInfo*> FindRegistry(std::string_view name);
const RegistryInfo& InfoOf(Kind kind);

}  // namespace riik::registry
