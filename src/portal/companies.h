// "My companies": the companies the business register names the person in (board seats
// and employment), and — when they signed in to act for one (the sign-in service's
// mandate, in their ID token) — that company's record, read for the company
// (X-Road-Represented-Party) on the person's behalf.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "registry/exchange_caller.h"

namespace riik::portal {

// The business register's services, as the exchange names them.
std::string BusinessRolesServiceId();
std::string CompanyServiceId();
// The purpose stated when the person acts for a company.
inline constexpr const char* kActingIssue = "the person acts for the company in the state portal";

struct CompaniesPage {
  Result<registry::ExchangeAnswer> roles = Unavailable("not asked");
  std::string acting_code, acting_name;                                 // the company acted for ("" when none)
  Result<registry::ExchangeAnswer> company = Unavailable("not asked");  // its record, when acting
  std::string represented_party;                                        // as the call named it
};
std::string CompaniesBody(const CompaniesPage& page, std::string_view lang);

}  // namespace riik::portal
