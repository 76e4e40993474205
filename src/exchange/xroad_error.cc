// X-Road error responses.
#include "exchange/xroad_error.h"

#include <nlohmann/json.hpp>

#include "exchange/xroad_headers.h"

namespace riik::exchange {

XRoadError XRoadError::Make(std::string_view prefix, std::string_view code, int status, std::string message) {
  return XRoadError{status, std::string(prefix) + "." + std::string(code), std::move(message)};
}

XRoadError TransportError(std::string_view prefix, std::string_view code, const Status& failure,
                          std::string_view peer) {
  bool timed_out = failure.code() == Code::kDeadlineExceeded;
  return XRoadError::Make(prefix, code, timed_out ? 504 : 502,
                          std::string(timed_out ? "no answer in time from " : "cannot reach ") + std::string(peer) +
                              ": " + failure.message());
}

net::HttpResponse XRoadErrorResponse(const XRoadError& error, std::string_view detail) {
  net::HttpResponse r;
  r.status = error.status;
  r.content_type = "application/json; charset=utf-8";
  r.headers.Add(kXRoadError, error.type);
  Json body = {{"type", error.type}, {"message", error.message}, {"detail", std::string(detail)}};
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

bool IsXRoadError(const net::HttpResponse& response) { return response.headers.Has(kXRoadError); }

}  // namespace riik::exchange
