// Typed reads of a stored row's columns, for code that knows its tables: a missing or
// NULL column reads as absent, never as an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/value.h"

namespace riik::store {

// The column's text (a blob's bytes too), or nullopt if it is absent or NULL.
std::optional<std::string> TextField(const Row& row, const std::string& column);
// The column's text, or "" if it is absent or NULL.
std::string TextOr(const Row& row, const std::string& column, std::string fallback = "");
// The column's integer, or nullopt if it is absent, NULL or not an integer.
std::optional<int64_t> IntField(const Row& row, const std::string& column);

}  // namespace riik::store
