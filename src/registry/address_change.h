// A change of address in the population register, and the events it sends: the
// person's current address is closed and the new one opened in one transaction, which
// also queues an `address_changed` event for every subscriber (outbox.h).
//   POST /address/{code}  {"settlement", "municipality"?, "street", "house", "apartment"?, "from"?}
// settlement and street are names as the address data system has them; from
// (YYYY-MM-DD) defaults to today and may not be before the current address's start.
#pragma once

#include "net/router.h"
#include "registry/context.h"

namespace riik::registry {

void AddAddressChangeRoute(net::Router& router, RegistryContext& context);

}  // namespace riik::registry
