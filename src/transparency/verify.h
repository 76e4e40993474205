// Verifying a whole signed log from its store (`riik exchange log verify`, `riik tracker
// verify`): every leaf, every signed tree head and every timestamp, re-read and
// re-checked; the first problem is reported with the leaf index or tree size it
// concerns. Works on a read-only store, so it can check a log its node is serving.
#pragma once

#include <openssl/x509.h>

#include <functional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace riik::transparency {

// How a log's leaves are checked by its user, who knows what they mean: `key` is what
// the leaf is stored and looked up under (the X-Road-Id for messages, the personal code
// for the data tracker). A non-OK status (any code) says what is wrong with it.
using LeafCheck = std::function<Status(const std::string& key, const std::string& leaf)>;

// What a verification found. Every stored leaf checks, and the first `signed_leaves` are
// under signed tree heads that check. Leaves after the last head are those its owner has
// not signed yet (a head interval, SignedLogOptions::head_interval, or a log closed before
// it signed them, which it signs when it opens): reported, not refused, as no head vouches
// for them yet (nor can evidence for them be exported).
struct VerifiedLog {
  int64_t leaves = 0;
  int64_t signed_leaves = 0;
  int64_t heads = 0;
  int64_t timestamps = 0;
};

// "N leaves under M signed tree heads, K timestamps", and the leaves not signed yet.
std::string VerifiedSummary(const VerifiedLog& found);
// DataLoss naming the first leaf after the last head, if there is one: for the logs
// that sign a head with every batch (head_interval 0), where it means deleted heads.
Status RequireEverySigned(const VerifiedLog& found);

// Checks, in order:
//  - leaves: contiguous leaf indexes from 0, each passing `check`;
//  - tree heads: strictly growing sizes, each root equal to the root of the leaves
//    before it (so consecutive heads are consistent by construction), each signature
//    valid under its signer's certificate, whose chain reaches `trust_root`; no head
//    beyond the leaves;
//  - timestamps: each for an existing head, a valid token by a TSA chaining to
//    `trust_root` whose imprint is the head's.
// A log its owner goes on appending to is checked as it stood when the check began: the
// leaves stored then, the heads and timestamps of sizes up to their count. Of the rows
// stored later, the last head, key index row and timestamp are checked for naming what is
// stored (a head or key index row beyond the leaves, a timestamp beyond the heads is
// DataLoss).
// DataLoss names the first bad leaf or head; store errors are passed on;
// FailedPrecondition if the store still holds logs of the earlier format (migration.h).
Result<VerifiedLog> VerifyLog(store::Store& store, const std::string& log_id, X509* trust_root, const LeafCheck& check);

}  // namespace riik::transparency
