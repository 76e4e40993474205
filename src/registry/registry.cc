// The registries' identities in the exchange.
#include "registry/registry.h"

namespace riik::registry {

std::span<const RegistryInfo> Registries() {
  static const std::vector<RegistryInfo> all = {
      {Kind::kPopulation,
       "population",
       "EE/GOV/70000013",
       "Population Register",
       "population",
       {{"person", "a person's names, birth date, sex, citizenship and status"},
        {"address", "a person's current address and its history"},
        {"family", "parents, spouse and children"},
        {"subscriptions", "subscribing to address changes (POST)"},
        {"voters", "the electoral roll: who may vote, and the county of their address on a cut-off date"},
        {"tracker", "who was given a person's data: the data tracker's listing, for that person"}}},
      {Kind::kBusiness,
       "business",
       "EE/GOV/70000310",
       "Business Register",
       "business",
       {{"company", "a company: name, seat, board members, number of employees"},
        {"roles", "the companies a person is a board member or an employee of"},
        {"tracker", "who was given a person's data: the data tracker's listing, for that person"}}},
      {Kind::kTax,
       "tax",
       "EE/GOV/70000349",
       "Tax and Customs Board",
       "tax",
       {{"income", "employer-reported income of a person, per employer and month"},
        {"return", "a person's income tax return: the pre-filled draft, submitting it, accepting it"},
        {"notify", "change notifications from the population register (POST)"},
        {"notifications", "the change notifications received about a person"},
        {"tracker", "who was given a person's data: the data tracker's listing, for that person"}}},
      {Kind::kBank,
       "bank",
       "EE/COM/10060701",
       "Riik Demo Pank",
       "bank",
       {{"accounts", "a customer's accounts"},
        {"interest", "interest a customer earned in a year"},
        {"notify", "change notifications from the population register (POST)"},
        {"notifications", "the change notifications received about a person"},
        {"tracker", "who was given a person's data: the data tracker's listing, for that person"}}},
      {Kind::kEducation,
       "education",
       "EE/GOV/70000740",
       "Education Register",
       "education",
       {{"pupil", "a pupil's school and grade"},
        {"notify", "change notifications from the population register (POST)"},
        {"notifications", "the change notifications received about a person"},
        {"tracker", "who was given a person's data: the data tracker's listing, for that person"}}},
  };
  return all;
}

Result<const RegistryInfo*> FindRegistry(std::string_view name) {
  std::string known;
  for (const RegistryInfo& r : Registries()) {
    if (r.name == name) return &r;
    known += known.empty() ? r.name : std::string(", ") + r.name;
  }
  return InvalidArgument("unknown registry '" + std::string(name) + "'; known: " + known);
}

const RegistryInfo& InfoOf(Kind kind) { return Registries()[static_cast<size_t>(kind)]; }

}  // namespace riik::registry
