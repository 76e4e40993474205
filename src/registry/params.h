// Query parameters the registries' services share.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "net/http.h"
#include "store/store.h"

namespace riik::registry {

// A year from 1990 to 2100 written in decimal; InvalidArgument saying what was given otherwise.
Result<int64_t> ParseYear(std::string_view text);

// ?year=YYYY: the year, or nullopt when absent; InvalidArgument (saying what was
// wrong) for anything but a year from 1990 to 2100.
Result<std::optional<int64_t>> YearParam(const net::HttpRequest& req);

// Runs `select` (a statement ending in "WHERE <person column> = ?") for `person`, with
// " AND year = ?" when `year` is set, then `order_by` (e.g. "ORDER BY year").
Result<std::vector<store::Row>> QueryPersonYear(store::Store& store, const std::string& select,
                                                const std::string& person, std::optional<int64_t> year,
                                                const std::string& order_by);

}  // namespace riik::registry
