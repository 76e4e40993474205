// Posting OCSP requests to a responder over HTTP (ocsp_client.h builds and checks them).
// In riik_trust_client with the TSA's transport: it needs riik_net.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "net/client.h"

namespace riik::trust {

// POSTs a DER OCSPRequest to `url` (e.g. http://127.0.0.1:7002/ocsp) and returns the
// DER OCSPResponse. Unavailable says why not: no answer, or an HTTP status other than 200.
Result<std::string> PostOcspRequest(const std::string& url, std::string_view request_der,
                                    std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace riik::trust
