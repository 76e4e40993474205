// ForEachRowByKey (paged_scan.h).
#include "store/paged_scan.h"

#include "store/row_fields.h"

namespace riik::store {

Status ForEachRowByKey(Store& store, const std::string& table, const std::string& key, const std::string& columns,
                       const std::function<Status(const Row&)>& fn, int64_t page) {
  const std::string sql =
      "SELECT " + columns + " FROM " + table + " WHERE " + key + " > ? ORDER BY " + key + " LIMIT ?";
  std::string after;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store.Query(sql, {after, page}));
    for (const Row& row : rows) {
      after = TextOr(row, key);
      RETURN_IF_ERROR(fn(row));
    }
    if (static_cast<int64_t>(rows.size()) < page) return OkStatus();
  }
}

}  // namespace riik::store
