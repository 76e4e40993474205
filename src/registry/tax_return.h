// The income tax return the Tax and Customs Board pre-fills: the employer-reported
// income it holds, plus the interest the citizen's bank reports through the exchange,
// under the year's rules (a flat rate above a basic exemption). The citizen reviews and
// submits it; the board accepts it. Pure computation here; storing and the services are
// in tax_board.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace riik::registry {

struct TaxRules {
  int64_t flat_rate_basis_points = 0;  // 2000 = 20%
  int64_t basic_exemption_cents = 0;   // per year
};

struct IncomeLine {
  std::string employer;  // registry code
  int64_t cents = 0;
};

struct InterestLine {
  std::string iban;
  int64_t cents = 0;
};

struct ReturnDraft {
  std::string person;
  int64_t year = 0;
  std::vector<IncomeLine> income;      // from the board's own employer reports
  std::vector<InterestLine> interest;  // from the bank, through the exchange
  std::string interest_source;         // the bank's service id
  std::string interest_xroad_id;       // the call that fetched it (empty: the person is not its customer)
  TaxRules rules;
};

// The return document (canonical key order): the draft's lines and totals, and
//   taxable_cents  = max(0, income + interest − basic exemption)
//   tax_cents      = taxable × rate, rounded half up
//   withheld_cents = max(0, income − basic exemption) × rate: what employers withheld
//   to_pay_cents   = tax − withheld (negative: a refund)
// with "status":"draft".
Json ReturnDocument(const ReturnDraft& draft);

// The legal basis the board names when it asks the bank (X-Road-Issue).
std::string InterestIssue(int64_t year);

}  // namespace riik::registry
