// Conversions between the generated population and the registries' rows and answers,
// shared by the registries: dates, personal codes, addresses.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "population/population.h"
#include "store/value.h"

namespace riik::registry {

// "YYYY-MM-DD", or NULL for kNoDay.
store::Value DayOrNull(population::Day day);
// The person's personal code, or NULL for kNone.
store::Value CodeOrNull(const population::Population& pop, uint32_t person);
// Those columns' schema, to append to a table's own: the columns AddressRow fills.
std::vector<store::Column> WithAddressColumns(std::vector<store::Column> columns);
// The address columns of a dwelling: county, municipality, settlement, street, house,
// apartment (NULL for a house), postal_code, address (the whole address, as the
// address data system writes it).
store::Row AddressRow(const population::Dwelling& dwelling);
// Those columns (and from_date/to_date when present) as a JSON object.
Json AddressJson(const store::Row& row);
// The indices 0..n-1 ordered by key(i): loading rows in primary-key order appends to
// the table's B-tree instead of splitting pages all over it.
std::vector<uint32_t> KeyOrder(size_t n, const std::function<std::string_view(uint32_t)>& key);

// A text column as JSON: its text, or null.
Json NullableText(const store::Row& row, const std::string& column);

}  // namespace riik::registry
