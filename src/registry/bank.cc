// A bank (Riik Demo Pank): its customers' accounts and the interest they earned.
//   GET /accounts/{code}               the customer's accounts
//   GET /interest/{code}[?year=YYYY]   interest per account and year, with the total
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "registry/notifications.h"
#include "registry/params.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace bank {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kAccounts = "accounts";
const std::string kInterest = "interest";
const std::string kCustomers = "customers";

// Know-your-customer data comes from the population register, never from a form.
constexpr const char* kDueDiligence = "Money Laundering and Terrorist Financing Prevention Act: customer due diligence";

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
      // A customer as the population register knows them: asked through the exchange on
      // onboarding (kyc_x_road_id: that call), the address kept current by its events.
      {kCustomers,
       {{"person", ColumnType::kText},
        {"given_name", ColumnType::kText},
        {"surname", ColumnType::kText},
        {"birth_date", ColumnType::kText},
        {"address", ColumnType::kText},
        {"kyc_x_road_id", ColumnType::kText},
        {"updated_us", ColumnType::kInt}},
       {"person"},
       {}},
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

Json CustomerJson(const Row& r) {
  return {{"person", TextOr(r, "person")},   {"given_name", TextOr(r, "given_name")},
          {"surname", TextOr(r, "surname")}, {"birth_date", TextOr(r, "birth_date")},
          {"address", TextOr(r, "address")}, {"kyc_x_road_id", TextOr(r, "kyc_x_road_id")}};
}

Result<Json> Onboard(RegistryContext& c, const std::string& person) {
  if (c.exchange == nullptr)
    return Unavailable("this bank is not connected to the exchange: it cannot ask the population register");
  const std::string population = InfoOf(Kind::kPopulation).ClientId();
  CallPurpose purpose{"EE" + person, kDueDiligence};
  ASSIGN_OR_RETURN(ExchangeAnswer who, c.exchange->Get(population + "/person", "/" + person, purpose));
  ASSIGN_OR_RETURN(ExchangeAnswer where, c.exchange->Get(population + "/address", "/" + person, purpose));
  if (who.body.value("status", "") != "alive")
    return FailedPrecondition(person + " is not alive in the population register");
  Row row{{"person", person},
          {"given_name", who.body.value("given_name", "")},
          {"surname", who.body.value("surname", "")},
          {"birth_date", who.body.value("birth_date", "")},
          {"address", where.body.value("current", Json::object()).value("address", "")},
          {"kyc_x_road_id", who.xroad_id},
          {"updated_us", NowMicros()}};
  RETURN_IF_ERROR(c.store.Write([&](store::WriteTxn& txn) { return txn.Put(kCustomers, row); }).status());
  return CustomerJson(row);
}

// An address change of a customer updates their record (events of others are kept only).
Status KeepCustomerAddress(store::WriteTxn& txn, const Json& event) {
  if (event.value("event", "") != "address_changed") return OkStatus();
  ASSIGN_OR_RETURN(auto row, txn.Get(kCustomers, {{"person", event.value("person", "")}}));
  if (!row) return OkStatus();
  Row updated = *row;
  updated["address"] = event.value("address", Json::object()).value("address", "");
  updated["updated_us"] = NowMicros();
  return txn.Put(kCustomers, updated);
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
  AddNotificationRoutes(router, context, KeepCustomerAddress);
  AddPersonalRoute(router, context, "GET", "/customers/{code}", "customers", {"know-your-customer data"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto row = c.store.Get(kCustomers, {{"person", inquiry.person}});
                     if (!row.ok()) return net::ErrorResponse(row.status());
                     if (!*row) return net::JsonError(404, "not_found", inquiry.person + " is not onboarded");
                     return net::JsonResponse(CustomerJson(**row));
                   });
  // Onboarding: the person's identity and address from the population register.
  AddPersonalRoute(router, context, "POST", "/customers/{code}", "customers", {"know-your-customer data"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto customer = Onboard(c, inquiry.person);
                     return customer.ok() ? net::JsonResponse(*customer) : net::ErrorResponse(customer.status());
                   });
}

}  // namespace
}  // namespace bank

const Register kBank{bank::Tables, bank::RowCount, bank::Load, bank::AddRoutes};

}  // namespace riik::registry
