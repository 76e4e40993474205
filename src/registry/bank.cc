// A bank (Riik Demo Pank): its customers' accounts and the interest they earned.
//   GET /accounts/{code}               the customer's accounts
//   GET /interest/{code}[?year=YYYY]   interest per account and year, with the total
#include <nlohmann/json.hpp>

#include "registry/notifications.h"
#include "registry/params.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kAccounts = "accounts";
const std::string kInterest = "interest";

std::vector<store::TableSchema> Tables() {
  std::vector<store::TableSchema> tables = NotificationTables();
  std::vector<store::TableSchema> own = {
      {kAccounts,
       {{"iban", ColumnType::kText},
        {"owner", ColumnType::kText},
        {"kind", ColumnType::kText},
        {"opened", ColumnType::kText},
        {"balance_cents", ColumnType::kInt}},
       {"iban"},
       {{"owner"}}},
      {kInterest,
       {{"iban", ColumnType::kText},
        {"year", ColumnType::kInt},
        {"owner", ColumnType::kText},
        {"cents", ColumnType::kInt}},
       {"iban", "year"},
       {{"owner", "year"}}},
  };
  tables.insert(tables.end(), own.begin(), own.end());
  return tables;
}

int64_t RowCount(const population::Population& pop) {
  int64_t interest = 0;
  for (const auto& a : pop.accounts) {
    interest += (a.interest_cents_year_before != 0 ? 1 : 0) + (a.interest_cents_income_year != 0 ? 1 : 0);
  }
  return static_cast<int64_t>(pop.accounts.size()) + interest;
}

Status Load(const population::Population& pop, RowSink& loader) {
  for (uint32_t i : KeyOrder(pop.accounts.size(), [&](uint32_t k) { return pop.accounts[k].iban_text(); })) {
    const population::Account& a = pop.accounts[i];
    std::string iban(a.iban_text()), owner(pop.persons[a.owner].code());
    RETURN_IF_ERROR(
        loader.Put(kAccounts, {{"iban", iban},
                               {"owner", owner},
                               {"kind", a.kind == population::AccountKind::kCurrent ? "current" : "savings"},
                               {"opened", population::FormatDay(a.opened)},
                               {"balance_cents", a.balance_cents}}));
    const std::pair<int, int32_t> earned[] = {{pop.income_year - 1, a.interest_cents_year_before},
                                              {pop.income_year, a.interest_cents_income_year}};
    for (const auto& [year, cents] : earned) {
      if (cents == 0) continue;
      RETURN_IF_ERROR(loader.Put(
          kInterest, {{"iban", iban}, {"year", int64_t{year}}, {"owner", owner}, {"cents", int64_t{cents}}}));
    }
  }
  return OkStatus();
}

void AddRoutes(net::Router& router, RegistryContext& context) {
  AddPersonalRoute(router, context, "GET", "/accounts/{code}", "accounts", {"accounts", "balances"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto rows = c.store.Query(
                         "SELECT iban, kind, opened, balance_cents FROM accounts WHERE owner = ? ORDER BY iban",
                         {inquiry.person});
                     if (!rows.ok()) return net::ErrorResponse(rows.status());
                     if (rows->empty())
                       return net::JsonError(404, "not_found", inquiry.person + " is not a customer of this bank");
                     Json accounts = Json::array();
                     for (const Row& r : *rows) {
                       accounts.push_back({{"iban", TextOr(r, "iban")},
                                           {"kind", TextOr(r, "kind")},
                                           {"opened", TextOr(r, "opened")},
                                           {"balance_cents", store::IntField(r, "balance_cents").value_or(0)}});
                     }
                     return net::JsonResponse({{"person", inquiry.person}, {"accounts", accounts}});
                   });
  AddPersonalRoute(
      router, context, "GET", "/interest/{code}", "interest", {"interest earned"},
      [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest& req) {
        auto year = YearParam(req);
        if (!year.ok()) return net::ErrorResponse(year.status());
        auto rows = QueryPersonYear(c.store, "SELECT iban, year, cents FROM interest WHERE owner = ?", inquiry.person,
                                    *year, "ORDER BY year, iban");
        if (!rows.ok()) return net::ErrorResponse(rows.status());
        Json interest = Json::array();
        int64_t total = 0;
        for (const Row& r : *rows) {
          int64_t cents = store::IntField(r, "cents").value_or(0);
          interest.push_back(
              {{"iban", TextOr(r, "iban")}, {"year", store::IntField(r, "year").value_or(0)}, {"cents", cents}});
          total += cents;
        }
        Json body{{"person", inquiry.person}, {"interest", interest}, {"total_cents", total}};
        if (*year) body["year"] = **year;
        return net::JsonResponse(body);
      });
  AddTrackerRoute(router, context);
  AddNotificationRoutes(router, context);
}

}  // namespace

const Register kBank{Tables, RowCount, Load, AddRoutes};

}  // namespace riik::registry
