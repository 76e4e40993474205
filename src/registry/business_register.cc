// The business register: companies with their seat, board members and employees.
//   GET /company/{registry_code}  name, founded, seat, board (personal codes), employees
//   GET /roles/{code}             the companies a person is on the board of or works for
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "identity/registry_code.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace business_register {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kCompanies = "companies";
const std::string kRoles = "company_roles";

std::vector<store::TableSchema> Tables() {
  return {
      {kCompanies,
       WithAddressColumns(
           {{"registry_code", ColumnType::kText}, {"name", ColumnType::kText}, {"founded", ColumnType::kText}}),
       {"registry_code"},
       {}},
      // role: "board" (since: NULL) or "employee" (since: the employment's start)
      {kRoles,
       {{"company", ColumnType::kText},
        {"person", ColumnType::kText},
        {"role", ColumnType::kText},
        {"since", ColumnType::kText, true}},
       {"company", "person", "role"},
       {{"person"}}},
  };
}

int64_t RowCount(const population::Population& pop) {
  int64_t board = 0;
  for (const auto& c : pop.companies) {
    for (uint32_t member : c.board) board += member != population::kNone ? 1 : 0;
  }
  return static_cast<int64_t>(pop.companies.size() + pop.employments.size()) + board;
}

Status Load(const population::Population& pop, RowSink& loader) {
  auto code_of = [&](uint32_t person) { return pop.persons[person].code(); };
  for (uint32_t i : KeyOrder(pop.companies.size(), [&](uint32_t k) { return pop.companies[k].code(); })) {
    const population::Company& c = pop.companies[i];
    Row row = AddressRow(pop.dwellings[c.seat]);
    row["registry_code"] = std::string(c.code());
    row["name"] = c.name;
    row["founded"] = population::FormatDay(c.founded);
    RETURN_IF_ERROR(loader.Put(kCompanies, std::move(row)));
    // Its people in the primary key's order (person, then "board" before "employee").
    struct Role {
      std::string_view person;
      std::string_view role;
      population::Day since;
      bool operator<(const Role& o) const { return std::tie(person, role) < std::tie(o.person, o.role); }
    };
    std::vector<Role> roles;
    for (uint32_t member : c.board) {
      if (member != population::kNone) roles.push_back({code_of(member), "board", population::kNoDay});
    }
    for (uint32_t e = c.first_employment; e < c.first_employment + c.employment_count; ++e) {
      roles.push_back({code_of(pop.employments[e].person), "employee", pop.employments[e].from});
    }
    std::sort(roles.begin(), roles.end());
    for (const Role& r : roles) {
      RETURN_IF_ERROR(loader.Put(kRoles, {{"company", std::string(c.code())},
                                          {"person", std::string(r.person)},
                                          {"role", std::string(r.role)},
                                          {"since", DayOrNull(r.since)}}));
    }
  }
  return OkStatus();
}

void AddRoutes(net::Router& router, RegistryContext& context) {
  store::Store& store = context.store;
  router.Add("GET", "/company/{code}", [&store](const net::HttpRequest& req) {
    auto code = identity::RegistryCode::Parse(req.Param("code"));
    if (!code.ok()) {
      return net::JsonError(
          400, "invalid_argument",
          "'" + std::string(req.Param("code")) + "' is not a registry code: " + code.status().message());
    }
    auto company = store.Get(kCompanies, {{"registry_code", code->code}});
    if (!company.ok()) return net::ErrorResponse(company.status());
    if (!*company) return net::JsonError(404, "not_found", "no company " + code->code + " in the business register");
    auto roles = store.Query("SELECT person, role, since FROM company_roles WHERE company = ? ORDER BY role, person",
                             {code->code});
    if (!roles.ok()) return net::ErrorResponse(roles.status());
    Json board = Json::array();
    int64_t employees = 0;
    for (const Row& r : *roles) {
      if (TextOr(r, "role") == "board") board.push_back(TextOr(r, "person"));
      employees += TextOr(r, "role") == "employee" ? 1 : 0;
    }
    return net::JsonResponse({{"registry_code", code->code},
                              {"name", TextOr(**company, "name")},
                              {"founded", TextOr(**company, "founded")},
                              {"seat", AddressJson(**company)},
                              {"board", board},
                              {"employees", employees}});
  });
  AddPersonalRoute(
      router, context, "GET", "/roles/{code}", "roles", {"board memberships", "employment"},
      [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
        auto roles = c.store.Query(
            "SELECT r.company, r.role, r.since, c.name FROM company_roles r JOIN companies c ON c.registry_code = "
            "r.company "
            "WHERE r.person = ? ORDER BY r.company, r.role",
            {inquiry.person});
        if (!roles.ok()) return net::ErrorResponse(roles.status());
        Json list = Json::array();
        for (const Row& r : *roles) {
          list.push_back({{"company", TextOr(r, "company")},
                          {"name", TextOr(r, "name")},
                          {"role", TextOr(r, "role")},
                          {"since", NullableText(r, "since")}});
        }
        return net::JsonResponse({{"person", inquiry.person}, {"roles", list}});
      });
  AddTrackerRoute(router, context);
}

}  // namespace
}  // namespace business_register

const Register kBusinessRegister{business_register::Tables, business_register::RowCount, business_register::Load,
                                 business_register::AddRoutes};

}  // namespace riik::registry
