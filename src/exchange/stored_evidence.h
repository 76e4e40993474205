// A message log read from its store alone, without the MessageLog that writes it: the
// log ids a store holds, and the evidence for one X-Road-Id with the tree rebuilt from
// the stored records. For `riik exchange evidence`, which opens the store read-only
// while the security server serves it.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/store.h"

namespace riik::exchange {

// The ids of the logs with at least one signed tree head, in order.
Result<std::vector<std::string>> StoredLogIds(store::Store& store);

// The evidence document for `xroad_id` (as MessageLog::Evidence), covering what the
// last signed tree head covers. NotFound if no record has the id; Unavailable if its head
// has no timestamp yet; DataLoss if the stored records do not form the signed tree.
Result<Json> EvidenceFromStore(store::Store& store, const std::string& log_id, const std::string& xroad_id);

}  // namespace riik::exchange
