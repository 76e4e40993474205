// A route that gives out a person's data: the call checked (personal_data.h), the
// answer made on a worker, and — when it discloses anything (a 200) — the access
// recorded in the registry's data tracker before the answer goes out. If the access
// cannot be recorded the data is withheld (503): nothing is given out unrecorded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/router.h"
#include "registry/context.h"
#include "registry/personal_data.h"

namespace riik::registry {

using PersonalAnswer = std::function<net::HttpResponse(RegistryContext&, const Inquiry&, const net::HttpRequest&)>;

// `service`: the service code the tracker names; `fields`: what a 200 discloses.
void AddPersonalRoute(net::Router& router, RegistryContext& context, const std::string& method,
                      const std::string& pattern, const std::string& service, std::vector<std::string> fields,
                      PersonalAnswer answer);

// GET /tracker/{code}[?since_size=N]: the person's tracker listing
// (docs/formats/tracker.md), only for a call on that person's own behalf
// (X-Road-UserId EE<code>); 503 if the registry keeps no tracker; 404 of type
// tracker::kNoRecordsYet while its tracker holds no records at all.
void AddTrackerRoute(net::Router& router, RegistryContext& context);

}  // namespace riik::registry
