// Verifying a whole message log from its store (`riik exchange log verify`): every
// record, every signed tree head and every timestamp, re-read and re-checked; the first
// problem is reported with the record index or tree size it concerns. Works on a
// read-only store, so it can check a log its security server is serving.
#pragma once

#include <openssl/x509.h>

#include <functional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace riik::exchange {

// How a log's leaves are checked: `key` is what the leaf is stored and looked up under
// (the X-Road-Id for messages, the personal code for the data tracker). DataLoss says
// what is wrong with it.
using LeafCheck = std::function<Status(const std::string& key, const std::string& leaf)>;
// A message log's leaves: a valid MessageRecord in canonical form, under its X-Road-Id.
Status CheckMessageLeaf(const std::string& key, const std::string& leaf);

// Checks, in order:
//  - records: contiguous leaf indexes from 0, each passing `check` (by default a valid
//    message record in canonical form, stored under its own X-Road-Id);
//  - tree heads: strictly growing sizes, each root equal to the root of the records
//    before it (so consecutive heads are consistent by construction), each signature
//    valid under its signer's certificate, whose chain reaches `trust_root`; no record
//    beyond the last head;
//  - timestamps: each for an existing head, a valid token by a TSA chaining to
//    `trust_root` whose imprint is the head's.
// DataLoss names the first bad record or head; store errors are passed on.
Status VerifyMessageLog(store::Store& store, const std::string& log_id, X509* trust_root,
                        const LeafCheck& check = CheckMessageLeaf);

}  // namespace riik::exchange
