// Posting OCSP requests over HTTP.
#include "trust/http_ocsp.h"

#include "trust/ocsp_client.h"

namespace riik::trust {

Result<std::string> PostOcspRequest(const std::string& url, std::string_view request_der,
                                    std::chrono::milliseconds timeout) {
  if (url.empty()) return Unavailable("no OCSP responder is configured");
  net::Headers h;
  h.Add("Content-Type", "application/ocsp-request");
  net::ClientOptions co;
  co.timeout = timeout;
  co.max_body_bytes = kMaxOcspResponseBytes;
  auto resp = net::Fetch("POST", url, h, std::string(request_der), co);
  if (!resp.ok()) return Unavailable("the OCSP responder " + url + " did not answer: " + resp.status().message());
  if (resp->status != 200) return Unavailable("the OCSP responder answered HTTP " + std::to_string(resp->status));
  return std::move(resp->body);
}

}  // namespace riik::trust
