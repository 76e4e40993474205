// YearParam.
#include "registry/params.h"

#include <charconv>

namespace riik::registry {

Result<int64_t> ParseYear(std::string_view text) {
  int64_t year = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || year < 1990 || year > 2100) {
    return InvalidArgument("year must be a year from 1990 to 2100, got '" + std::string(text) + "'");
  }
  return year;
}

Result<std::optional<int64_t>> YearParam(const net::HttpRequest& req) {
  std::string text = req.QueryParam("year");
  if (text.empty()) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t year, ParseYear(text));
  return std::optional<int64_t>(year);
}

Result<std::vector<store::Row>> QueryPersonYear(store::Store& store, const std::string& select,
                                                const std::string& person, std::optional<int64_t> year,
                                                const std::string& order_by) {
  if (!year) return store.Query(select + " " + order_by, {store::Value(person)});
  return store.Query(select + " AND year = ? " + order_by, {store::Value(person), store::Value(*year)});
}

}  // namespace riik::registry
