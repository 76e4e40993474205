// "My data": everything the base registries hold about the person signed in, asked
// through the exchange on their behalf (X-Road-UserId from their ID token) all at once,
// and shown section by section, each saying which registry it came from, when, and the
// call's X-Road-Id (its evidence in the exchange's message log).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "registry/exchange_caller.h"
#include "registry/registry.h"

namespace riik::portal {

// One thing the portal asks a registry about the person.
struct DataSource {
  const char* id;  // the section's id and heading's phrase key, e.g. "person"
  registry::Kind registry;
  const char* service;  // the service code under the registry's subsystem

  // INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE
  std::string ServiceId() const;
};

// What "My data" gathers, in the order it shows it.
std::span<const DataSource> MyDataSources();

// The purpose every call on the person's behalf states (X-Road-Issue).
inline constexpr const char* kPortalIssue = "the person's own request in the state portal";
// A call on the person's behalf (X-Road-UserId EE<code>) for their own request.
registry::CallPurpose OwnRequest(const std::string& personal_code);

struct DataItem {
  const DataSource* source = nullptr;
  Result<registry::ExchangeAnswer> answer = Unavailable("not asked");
  UnixMicros read_at = 0;
};

// Asks every source at once through `exchange` about `personal_code`, on that person's
// behalf; `done` runs once, on the thread of the last answer, with an item per source
// in MyDataSources() order.
void GatherMyData(registry::ExchangeCaller& exchange, const std::string& personal_code,
                  std::function<void(std::vector<DataItem>)> done);

// The page's body: a section per item; a registry that does not know the person (404)
// says so, one that could not be asked says that.
std::string MyDataBody(const std::vector<DataItem>& items, std::string_view lang);

// The registry's name as a person knows it, in `lang`.
std::string RegistryName(registry::Kind kind, std::string_view lang);

// A time the browser shows in its own zone (portal.js), UTC without script.
std::string TimeElement(UnixMicros t);

}  // namespace riik::portal
