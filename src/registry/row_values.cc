// Row and answer conversions.
#include "registry/row_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "population/geography.h"
#include "store/row_fields.h"

namespace riik::registry {

store::Value DayOrNull(population::Day day) {
  if (day == population::kNoDay) return std::monostate{};
  return population::FormatDay(day);
}

store::Value CodeOrNull(const population::Population& pop, uint32_t person) {
  if (person == population::kNone) return std::monostate{};
  return std::string(pop.persons[person].code());
}

std::vector<store::Column> WithAddressColumns(std::vector<store::Column> columns) {
  for (const char* name :
       {"county", "municipality", "settlement", "street", "house", "apartment", "postal_code", "address"}) {
    columns.push_back({name, store::ColumnType::kText, std::string_view(name) == "apartment"});
  }
  return columns;
}

store::Row AddressRow(const population::Dwelling& d) {
  const population::Settlement& s = population::Settlements()[d.settlement];
  return {{"county", std::string(population::Counties()[s.county].name)},
          {"municipality", std::string(s.municipality)},
          {"settlement", std::string(s.name)},
          {"street", std::string(population::Streets()[d.street])},
          {"house", std::to_string(d.house)},
          {"apartment", d.apartment != 0 ? store::Value(std::to_string(d.apartment)) : store::Value()},
          {"postal_code", fmt::format("{:05}", population::PostalCode(d))},
          {"address", population::FullAddress(d)}};
}

std::vector<uint32_t> KeyOrder(size_t n, const std::function<std::string_view(uint32_t)>& key) {
  std::vector<std::pair<std::string_view, uint32_t>> keyed;
  keyed.reserve(n);
  for (uint32_t i = 0; i < n; ++i) keyed.emplace_back(key(i), i);
  std::sort(keyed.begin(), keyed.end());
  std::vector<uint32_t> order;
  order.reserve(n);
  for (const auto& [k, i] : keyed) order.push_back(i);
  return order;
}

Json NullableText(const store::Row& row, const std::string& column) {
  std::optional<std::string> text = store::TextField(row, column);
  return text ? Json(*text) : Json(nullptr);
}

Json AddressJson(const store::Row& row) {
  Json out = Json::object();
  if (row.count("from_date")) out["from"] = NullableText(row, "from_date");
  if (row.count("to_date")) out["to"] = NullableText(row, "to_date");
  for (const char* column :
       {"address", "county", "municipality", "settlement", "street", "house", "apartment", "postal_code"}) {
    out[column] = NullableText(row, column);
  }
  return out;
}

}  // namespace riik::registry
