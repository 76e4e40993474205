// What each registry is made of: its tables, how it loads its part of the synthetic
// population, and its services' routes (the backend its security server relays to:
// GET /SERVICE/{key} for every service; docs/registries.md).
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "net/router.h"
#include "population/population.h"
#include "registry/bulk_loader.h"
#include "registry/context.h"
#include "registry/registry.h"
#include "store/store.h"

namespace riik::registry {

struct Register {
  std::vector<store::TableSchema> (*tables)();
  int64_t (*row_count)(const population::Population&);  // rows load() puts
  Status (*load)(const population::Population&, RowSink&);
  // The services' routes, on `context` (which outlives the router).
  void (*add_routes)(net::Router&, RegistryContext&);
};

extern const Register kPopulationRegister;
extern const Register kBusinessRegister;
extern const Register kTaxBoard;
extern const Register kBank;
extern const Register kEducationRegister;

const Register& RegisterOf(Kind kind);

}  // namespace riik::registry
