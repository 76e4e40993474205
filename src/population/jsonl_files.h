// The population as JSON Lines files, one table per file (docs/formats/population.md):
// persons, addresses, companies, employment, income, accounts, pupils.
#pragma once

#include <string>

#include "core/status.h"
#include "population/generator.h"
#include "population/population.h"

namespace riik::population {

// The files written, in order.
inline constexpr const char* kPopulationFiles[] = {"persons.jsonl",    "addresses.jsonl", "companies.jsonl",
                                                   "employment.jsonl", "income.jsonl",    "accounts.jsonl",
                                                   "pupils.jsonl"};

// Writes every file into `dir` (created if missing). Each is written as NAME.tmp and
// renamed into place when complete, so a reader never sees half a file. `progress`
// hears rows written out of all rows. Returns the first I/O error, naming the file.
Status WritePopulationFiles(const Population& population, const std::string& dir,
                            const ProgressCallback& progress = nullptr);

}  // namespace riik::population
