// Loading a registry's store from the synthetic population, once: the first start of a
// registry generates the population (count, seed) and loads its part; later starts find
// the load recorded in the store's registry_meta table and keep what is there (changes
// since included).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "population/population.h"
#include "registry/bulk_loader.h"
#include "registry/registry.h"
#include "store/store.h"

namespace riik::registry {

struct LoadOptions {
  int64_t count = 3000;  // persons
  uint64_t seed = 1;
  bool demo_people = false;  // give `riik up`'s demo citizens (identity/demo_people.h) places in it
};

// What the store was loaded from, or nullopt if it was not loaded yet.
struct LoadRecord {
  int64_t count = 0;
  uint64_t seed = 0;
  bool demo_people = false;
  int64_t rows = 0;
};
Result<std::optional<LoadRecord>> LoadedFrom(store::Store& store);

// Generates the population of `options` (the same for every registry).
Result<population::Population> GenerateFor(const LoadOptions& options);

// Creates the registry's tables and loads its part of `pop`, then records the load.
// AlreadyExists if the store was loaded before (from whatever population).
Status LoadRegistry(Kind kind, store::Store& store, const population::Population& pop, const LoadOptions& options,
                    const LoadProgress& progress = nullptr);

// Creates the registry's tables and, if the store was never loaded, generates the
// population of `options` and loads it. OK if it was loaded before.
Status EnsureLoaded(Kind kind, store::Store& store, const LoadOptions& options, const LoadProgress& progress = nullptr);

}  // namespace riik::registry
