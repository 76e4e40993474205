// Security server errors as PR-REST 1.0 §4.6 has them: an HTTP status, the header
// `X-Road-Error: <type>` and the JSON body {"type", "message", "detail"} where detail is
// the message's X-Road-Id. The type's prefix names where it arose: "Client" (the
// consumer information system's request), "Server.ClientProxy" (the consumer's security
// server), "Server.ServerProxy" (the provider's security server). The types riik uses,
// and their statuses, are listed in docs/exchange.md.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "net/http.h"

namespace riik::exchange {

inline constexpr std::string_view kClientPrefix = "Client";
inline constexpr std::string_view kClientProxyPrefix = "Server.ClientProxy";
inline constexpr std::string_view kServerProxyPrefix = "Server.ServerProxy";

struct XRoadError {
  int status = 500;
  std::string type;     // e.g. "Server.ClientProxy.NetworkError"
  std::string message;  // what went wrong, for the developer of the calling system

  // `prefix` + "." + `code`, e.g. Make(kServerProxyPrefix, "AccessDenied", 403, …).
  static XRoadError Make(std::string_view prefix, std::string_view code, int status, std::string message);
};

// The error for a failed call to a peer (`code` NetworkError for the provider's security
// server, ServiceFailed for a backend): 504 when it timed out, else 502.
XRoadError TransportError(std::string_view prefix, std::string_view code, const Status& failure,
                          std::string_view peer);

// The response a security server answers with; `detail` is the X-Road-Id (may be empty).
net::HttpResponse XRoadErrorResponse(const XRoadError& error, std::string_view detail);

// Whether a response carries an X-Road error (has the X-Road-Error header).
bool IsXRoadError(const net::HttpResponse& response);

}  // namespace riik::exchange
