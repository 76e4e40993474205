// The Tax and Customs Board: employer-reported income per person, employer and month,
// and the rules a tax return is computed with (flat rate, basic exemption) per year.
//   GET /income/{code}[?year=YYYY]  income per employer and month, with totals
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "registry/params.h"
#include "registry/personal_data.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kIncome = "income";
const std::string kRules = "tax_rules";

// Estonia's income tax as of the 2024 income year, simplified: a flat 20% above a basic
// exemption of 654 euros a month (the exemption's taper for high incomes is left out).
constexpr int64_t kFlatRateBasisPoints = 2000;
constexpr int64_t kBasicExemptionCentsPerYear = 654 * 12 * 100;

std::vector<store::TableSchema> Tables() {
  return {
      {kIncome,
       {{"person", ColumnType::kText},
        {"employer", ColumnType::kText},
        {"year", ColumnType::kInt},
        {"monthly_gross_cents", ColumnType::kText},  // JSON array of 12 integers, January first
        {"total_cents", ColumnType::kInt}},
       {"person", "employer", "year"},
       {}},
      {kRules,
       {{"year", ColumnType::kInt},
        {"flat_rate_basis_points", ColumnType::kInt},
        {"basic_exemption_cents", ColumnType::kInt}},
       {"year"},
       {}},
  };
}

int64_t RowCount(const population::Population& pop) { return static_cast<int64_t>(pop.employments.size()) + 2; }

Status Load(const population::Population& pop, RowSink& loader) {
  const auto order =
      KeyOrder(pop.employments.size(), [&](uint32_t i) { return pop.persons[pop.employments[i].person].code(); });
  for (uint32_t i : order) {  // one job per person: the primary key's order
    const population::Employment& e = pop.employments[i];
    int64_t total = 0;
    for (int32_t cents : e.monthly_gross_cents) total += cents;
    RETURN_IF_ERROR(
        loader.Put(kIncome, {{"person", std::string(pop.persons[e.person].code())},
                             {"employer", std::string(pop.companies[e.company].code())},
                             {"year", int64_t{pop.income_year}},
                             {"monthly_gross_cents", fmt::format("[{}]", fmt::join(e.monthly_gross_cents, ","))},
                             {"total_cents", total}}));
  }
  for (int year : {pop.income_year - 1, pop.income_year}) {
    RETURN_IF_ERROR(loader.Put(kRules, {{"year", int64_t{year}},
                                        {"flat_rate_basis_points", kFlatRateBasisPoints},
                                        {"basic_exemption_cents", kBasicExemptionCentsPerYear}}));
  }
  return OkStatus();
}

void AddRoutes(net::Router& router, store::Store& store) {
  router.Add("GET", "/income/{code}", [&store](const net::HttpRequest& req) {
    auto inquiry = CheckPersonalDataCall(req);
    if (!inquiry.ok()) return RefusedInquiry(inquiry.status());
    auto year = YearParam(req);
    if (!year.ok()) return net::ErrorResponse(year.status());
    auto rows =
        QueryPersonYear(store, "SELECT employer, year, monthly_gross_cents, total_cents FROM income WHERE person = ?",
                        inquiry->person, *year, "ORDER BY year, employer");
    if (!rows.ok()) return net::ErrorResponse(rows.status());
    Json income = Json::array();
    int64_t total = 0;
    for (const Row& r : *rows) {
      auto months = ParseJson(TextOr(r, "monthly_gross_cents"));
      int64_t cents = store::IntField(r, "total_cents").value_or(0);
      income.push_back({{"employer", TextOr(r, "employer")},
                        {"year", store::IntField(r, "year").value_or(0)},
                        {"monthly_gross_cents", months.ok() ? *months : Json::array()},
                        {"total_cents", cents}});
      total += cents;
    }
    Json body{{"person", inquiry->person}, {"income", income}, {"total_cents", total}};
    if (*year) body["year"] = **year;
    return net::JsonResponse(body);
  });
}

}  // namespace

const Register kTaxBoard{Tables, RowCount, Load, AddRoutes};

}  // namespace riik::registry
