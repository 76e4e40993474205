// ReturnDocument.
#include "registry/tax_return.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace riik::registry {
namespace {

// cents × basis points / 10000, rounded half up (amounts are never negative here).
int64_t ApplyRate(int64_t cents, int64_t basis_points) { return (cents * basis_points + 5000) / 10000; }

}  // namespace

Json ReturnDocument(const ReturnDraft& d) {
  int64_t income = 0, interest = 0;
  Json income_lines = Json::array(), interest_lines = Json::array();
  for (const IncomeLine& l : d.income) {
    income += l.cents;
    income_lines.push_back({{"employer", l.employer}, {"cents", l.cents}});
  }
  for (const InterestLine& l : d.interest) {
    interest += l.cents;
    interest_lines.push_back({{"iban", l.iban}, {"cents", l.cents}});
  }
  const int64_t exemption = d.rules.basic_exemption_cents;
  const int64_t taxable = std::max<int64_t>(0, income + interest - exemption);
  const int64_t tax = ApplyRate(taxable, d.rules.flat_rate_basis_points);
  const int64_t withheld = ApplyRate(std::max<int64_t>(0, income - exemption), d.rules.flat_rate_basis_points);
  return {{"person", d.person},
          {"year", d.year},
          {"status", "draft"},
          {"income", income_lines},
          {"income_total_cents", income},
          {"interest", interest_lines},
          {"interest_total_cents", interest},
          {"interest_source", {{"service", d.interest_source}, {"x_road_id", d.interest_xroad_id}}},
          {"rules",
           {{"flat_rate_basis_points", d.rules.flat_rate_basis_points},
            {"basic_exemption_cents", d.rules.basic_exemption_cents}}},
          {"taxable_cents", taxable},
          {"tax_cents", tax},
          {"withheld_cents", withheld},
          {"to_pay_cents", tax - withheld}};
}

std::string InterestIssue(int64_t year) {
  return "Income Tax Act: pre-filled income tax return for " + std::to_string(year);
}

}  // namespace riik::registry
