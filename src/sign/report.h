// A verification report for people and for programs: plain text (what `riik verify`
// prints) and JSON (`--json`, and the validation service's answer; docs/signatures.md).
#pragma once

#include <string>

#include "core/json.h"
#include "sign/verify.h"

namespace riik::sign {

std::string ReportText(const VerificationReport& report, std::string_view container_name);
Json ReportJson(const VerificationReport& report);

}  // namespace riik::sign
