// "Who used my data": the data trackers of every registry in one view. Each registry's
// listing is asked through the exchange on the person's behalf and checked here in full
// (tracker::CheckListing: every record's inclusion under a signed, timestamped head, the
// signers' chains to the state root); the page shows the accesses as a table and a
// timeline chart, and the browser checks each record's inclusion proof and each head's
// signature again itself (portal.js, WebCrypto), so the person need not take the
// portal's word. Each listing can be downloaded for `riik tracker verify`.
#pragma once

#include <openssl/x509.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "registry/exchange_caller.h"
#include "registry/registry.h"
#include "tracker/listing.h"

namespace riik::portal {

// A registry's data tracker service, as the exchange names it.
std::string TrackerServiceId(registry::Kind kind);

struct TrackerItem {
  registry::Kind registry;
  Result<registry::ExchangeAnswer> listing = Unavailable("not asked");
  Result<tracker::VerifiedListing> verified = Unavailable("not checked");
};

// Asks every registry's tracker at once about `personal_code` on the person's behalf
// and checks each listing against `trust_root` (which must outlive the calls); `done`
// runs once with an item per registry, in registry::Registries() order.
void GatherTrackers(registry::ExchangeCaller& exchange, const std::string& personal_code, X509* trust_root,
                    std::function<void(std::vector<TrackerItem>)> done);

// The page's body: the chart, a table of every access (newest first) with its proof
// cell for portal.js, and per registry what its listing said or why there is none.
// `portal_client`: the portal's own subsystem, named as such among those who asked.
std::string TrackerBody(const std::vector<TrackerItem>& items, std::string_view portal_client, std::string_view lang);

}  // namespace riik::portal
