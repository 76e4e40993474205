// Typed column reads.
#include "store/row_fields.h"

namespace riik::store {

std::optional<std::string> TextField(const Row& row, const std::string& column) {
  auto it = row.find(column);
  if (it == row.end()) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  if (const auto* b = std::get_if<Blob>(&it->second)) return b->bytes;
  return std::nullopt;
}

std::string TextOr(const Row& row, const std::string& column, std::string fallback) {
  std::optional<std::string> text = TextField(row, column);
  return text ? std::move(*text) : std::move(fallback);
}

std::optional<int64_t> IntField(const Row& row, const std::string& column) {
  auto it = row.find(column);
  if (it == row.end()) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&it->second)) return *i;
  return std::nullopt;
}

}  // namespace riik::store
