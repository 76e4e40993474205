// A signed log read from its store alone, without the SignedLog that writes it: the log
// ids a store holds, and the entries for one key with the tree rebuilt from the stored
// leaves. For commands that open the store read-only while its node serves it
// (`riik exchange evidence`, `riik tracker verify`).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "store/store.h"

namespace riik::transparency {

// The ids of the logs with at least one signed tree head, in order.
Result<std::vector<std::string>> StoredLogIds(store::Store& store);

// The entries for `key` (as SignedLog::EntriesFor), covering what the last signed tree
// head covers. NotFound if the log has no signed head and no leaf under `key`;
// Unavailable if a leaf is not under a signed head yet, or its head has no timestamp
// yet; DataLoss if the stored leaves do not form the signed tree; FailedPrecondition if
// the store still holds logs of the earlier format.
Result<Json> EntriesFromStore(store::Store& store, const std::string& log_id, const std::string& key);

// The leaves the log's last signed tree head covers (0 without one).
Result<int64_t> StoredLogSize(store::Store& store, const std::string& log_id);

// Every stored leaf of the log in order, as (index, key, leaf); stops at the first error,
// the store's or `fn`'s. For a log's owner exporting it whole (an election's board).
Status ForEachStoredLeaf(
    store::Store& store, const std::string& log_id,
    const std::function<Status(int64_t index, const std::string& key, const std::string& leaf)>& fn);
// Every signed tree head of the log in order, each as {"certificates": [PEM…], "head":
// {…}} (the form SignedLog::LatestHeadJson gives), with "timestamp": the TSA's token
// (base64 DER) for each head that has one.
Status ForEachStoredHead(store::Store& store, const std::string& log_id, const std::function<Status(Json head)>& fn);

}  // namespace riik::transparency
