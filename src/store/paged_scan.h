// Reading a table too large to hold at once: its rows in the order of a text key column,
// a page at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/store.h"

namespace riik::store {

// Calls `fn` with every row of `table` (the columns `columns`, which include `key`, a
// text column unique in the table), in `key` order, reading `page` rows per query; an
// error from `fn` stops the scan and is returned.
Status ForEachRowByKey(Store& store, const std::string& table, const std::string& key, const std::string& columns,
                       const std::function<Status(const Row&)>& fn, int64_t page = 50'000);

}  // namespace riik::store
