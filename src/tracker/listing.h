// Offline verification of a data tracker listing (docs/formats/tracker.md) with nothing
// but the listing, the state's root certificate and, optionally, the person's previous
// listing: every access record's inclusion under a signed, timestamped head, the latest
// signed head, and — against the previous listing — that the log only grew since and
// that every access listed then is still listed, unchanged. A record deleted or altered
// behind the registry's back fails here, naming it.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/merkle.h"
#include "tracker/access_record.h"

namespace riik::tracker {

inline constexpr size_t kMaxListingBytes = 16 << 20;

struct VerifiedListing {
  std::string person;
  std::string log_id;
  int64_t size = 0;     // records under the listing's current head
  ledger::Hash root{};  // that head's root
  UnixMicros head_time = 0;
  struct Entry {
    int64_t leaf_index = 0;
    AccessRecord record;
    UnixMicros timestamp_time = 0;
  };
  std::vector<Entry> entries;
};

// Checks the listing's exact bytes (canonical JSON, optionally followed by a newline).
// With `previous` (the person's earlier listing, verified), also consistency from its
// head and that its every entry is in this one.
Result<VerifiedListing> CheckListing(std::string_view text, X509* trust_root,
                                     const VerifiedListing* previous = nullptr);

}  // namespace riik::tracker
