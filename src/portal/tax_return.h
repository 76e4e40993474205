// "Tax return": the tax board's pre-filled return for the person's latest income year,
// read through the exchange on their behalf; signed in their app with PIN2 (the
// signatures service's remote signing, as an ASiC-E container holding the draft's very
// bytes) and submitted to the board, which accepts it only through the validation
// service; then its status and the signature's evidence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "portal/signing_view.h"

namespace riik::portal {

// The tax board's services, as the exchange names them.
std::string TaxIncomeServiceId();
std::string TaxReturnServiceId();

// The latest year in the tax board's `income` answer, or `fallback` when it has none.
int64_t LatestIncomeYear(const Json& income, int64_t fallback);

// The container the person is asked to sign: the draft exactly as the board gave it,
// as tax-return-YEAR.json.
Result<std::string> ReturnContainer(std::string_view draft, int64_t year);
std::string ReturnFileName(int64_t year);

// The page's body: the return's lines and totals, its status (and the signature's
// evidence once submitted); for a draft, the form that starts signing, or the signing
// under way (`signing`, may be null) with its verification code.
std::string TaxReturnBody(const Json& doc, const SigningView* signing, std::string_view csrf, std::string_view lang);

}  // namespace riik::portal
