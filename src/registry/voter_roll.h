// The population register's electoral roll (the voters service): for an election's
// organiser, every person with the right to vote (alive, of the citizenship asked, of
// age on election day) and the county of their address on the roll's cut-off date, the
// address history deciding where they vote. Each person listed is recorded in the data
// tracker (the organiser, the service, the purpose) before the roll goes out. An address
// without a start date is one the person has had since before the register's records.
//
//   GET /voters?election_day=YYYY-MM-DD&cutoff=YYYY-MM-DD&minimum_age=N&citizenship=EST
//   X-Road-Issue: the purpose (required), e.g. "voter list of election riigikogu-2027"
//   200 application/x-ndjson: {"code":"…","county":"…"} per line, by code
#pragma once

#include "net/router.h"
#include "registry/context.h"

namespace riik::registry {

inline constexpr int64_t kMaxRollPersons = 2'000'000;

void AddVoterRollRoute(net::Router& router, RegistryContext& context);

}  // namespace riik::registry
