// Plain HTTP message types shared by the server, the client and every role's handlers.
// No Beast or Asio here: handlers include only this header.
#pragma once

#include <openssl/x509.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace riik::net {

// Header fields in arrival order; lookups ignore case.
class Headers {
 public:
  void Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field with this name.
  void Set(std::string name, std::string value);
  // The first value, or empty if absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // as received: path and query
  std::string path;    // percent-decoding is left to handlers
  std::string query;   // after '?', without it
  Headers headers;
  std::string body;
  std::string remote;                                            // peer address "ip:port"
  std::shared_ptr<X509> peer_cert;                               // mutual TLS: the verified client certificate
  bool tls = false;                                              // arrived over TLS (else plain HTTP)
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router

  // A path parameter captured by a route like /v1/stores/{node}; empty if absent.
  std::string_view Param(std::string_view name) const;
  // A query parameter (first occurrence, percent-decoded); empty if absent.
  std::string QueryParam(std::string_view name) const;
  // A cookie's value from the Cookie header (first occurrence); empty if absent.
  std::string Cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // When set, the body is this file's content instead, read from disk a piece at a time
  // as the client takes it (a file larger than memory, such as an election's board); the
  // write timeout then counts from the last piece the client took. The server opens it
  // on its network thread: anything but a regular file that can be opened gets 404.
  std::string body_file;
};

// Whether `remote` ("ip:port" as in HttpRequest::remote) is a loopback address
// (127.0.0.0/8 or ::1): the same host, where plain HTTP cannot be overheard.
bool IsLoopbackRemote(std::string_view remote);

// {"type": type, "message": message} with the given status.
HttpResponse JsonError(int status, std::string_view type, std::string_view message);
// `busy` marked as "not taken: send it again in a moment" (Retry-After: 1, RFC 9110
// 10.2.3) and never to be kept by a cache (Cache-Control: no-store). `busy` is a 429 or
// 503, or a protocol's own answer that says the same with a 200 (OCSP's tryLater, which
// RFC 5019's GET makes cacheable otherwise). Only for refusals before anything was done
// with the request, so that resending it cannot act twice (registry::ExchangeCaller reads
// it so: ResourceExhausted, and the Vote page casts again).
HttpResponse NotTaken(HttpResponse busy);
// 503 {"type": "busy", "message": message}, not taken (above): a bound on waiting work
// was full when the request came.
HttpResponse Busy(std::string_view message);
// The status and type a riik Status maps to (invalid_argument -> 400, not_found -> 404, …).
HttpResponse ErrorResponse(const Status& status);
HttpResponse JsonResponse(const Json& body, int status = 200);
HttpResponse TextResponse(std::string body, std::string content_type = "text/plain; charset=utf-8");
// 303 See Other to `location`, not to be cached (a browser after a form or a sign-in).
HttpResponse SeeOther(std::string location);

// Whether the Content-Type's media type (parameters ignored) is `media_type`.
bool HasMediaType(const HttpRequest& req, std::string_view media_type);
// Parses the body as JSON (the router has already checked the Content-Type of routes
// that declare one). InvalidArgument names what is wrong and where.
Result<Json> ParseJsonBody(const HttpRequest& req, const JsonLimits& limits = {});

// Decodes %XX escapes; '+' becomes a space only in query strings (form encoding).
std::string PercentDecode(std::string_view s, bool plus_is_space = false);
// Encodes every byte but the unreserved ones (RFC 3986 §2.3) as %XX: safe in a query
// value and in application/x-www-form-urlencoded.
std::string PercentEncode(std::string_view s);

// An application/x-www-form-urlencoded body (or a query string) as name -> value,
// percent-decoded. InvalidArgument for a name given twice (OAuth 2.0 §3.1 forbids it)
// or more than `max_fields` fields.
Result<std::map<std::string, std::string>> ParseForm(std::string_view encoded, size_t max_fields = 64);

}  // namespace riik::net
