// "My address": the form that changes the person's address in the population register
// (through the exchange, on their behalf), and whether each subscriber of address
// changes — the tax board, the bank, the school's register — has been told.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "registry/exchange_caller.h"
#include "registry/registry.h"

namespace riik::portal {

using Form = std::map<std::string, std::string>;

// The population register's address service (GET: the address and its history; POST
// /{code}: a change), as the exchange names it.
std::string AddressServiceId();

// The population register's address change (POST /address/{code}) for the form's
// fields: settlement, municipality, street, house, apartment, from. InvalidArgument, in
// words for the person (in `lang`), for a field that is missing or not what it must be.
Result<Json> AddressChangeFromForm(const Form& form, std::string_view lang);

struct AddressPage {
  Json current;       // the population register's "current" address, or null
  Form values;        // what the person typed (kept when the register refused it)
  std::string error;  // a plain message, or empty
  std::string csrf;
};
std::string AddressFormBody(const AddressPage& page, std::string_view lang);

// Who learns of an address change by subscription.
std::span<const registry::Kind> AddressSubscribers();

struct SubscriberState {
  registry::Kind registry;
  enum { kKnows, kWaiting, kCannotAsk } state = kCannotAsk;
};
// Asks each subscriber (its `notifications` service, on the person's behalf) whether
// it was told of `current` (the population register's current address); `done` runs
// once with a state per subscriber, in AddressSubscribers() order.
void AskSubscribers(registry::ExchangeCaller& exchange, const std::string& personal_code, const Json& current,
                    std::function<void(std::vector<SubscriberState>)> done);

// The list on the page (updated in place by portal.js from the JSON form).
std::string PropagationList(const std::vector<SubscriberState>& states, std::string_view lang);
// {"subscribers":[{"registry":"tax","name":…,"state":"knows"|"waiting"|"cannot_ask","text":…}],"done":bool}
Json PropagationJson(const std::vector<SubscriberState>& states, std::string_view lang);

}  // namespace riik::portal
