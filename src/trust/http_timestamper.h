// A TimestampFn that posts RFC 3161 queries to a TSA over HTTP (timestamp_client.h builds
// and checks them). Needs riik_net, so it is its own library (riik_trust_client).
#pragma once

#include <functional>
#include <string>

#include "net/client.h"
#include "trust/timestamp_client.h"

namespace riik::trust {

// Posts each query to `tsa_url()` (asked anew each time: the URL comes from the global
// configuration, which may change) over one kept-alive client.
TimestampFn HttpTimestamper(std::function<std::string()> tsa_url, net::ClientOptions options = {});

}  // namespace riik::trust
