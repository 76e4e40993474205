// ExchangeCaller: a registry asking another member for data, through its own security
// server (X-Road REST 1.0, consumer side), as the registry's subsystem, saying on whose
// behalf and why. The answer's X-Road-Id is kept so the call can be proven later
// (`riik exchange evidence --id`).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "net/client_pool.h"

namespace riik::registry {

struct CallPurpose {
  std::string user_id;            // X-Road-UserId: on whose behalf, e.g. EE38001085718
  std::string issue;              // X-Road-Issue: the purpose or legal basis
  std::string represented_party;  // X-Road-Represented-Party: the company acted for, e.g. COM/10060701
};

struct ExchangeAnswer {
  Json body;  // a JSON answer's; null for another media type (e.g. a container)
  std::string xroad_id;
  std::string bytes;  // the body as it came
  std::string content_type;
};

class ExchangeCaller {
 public:
  // `security_server_url`: the consumer side of the member's own security server;
  // `client_id`: the subsystem it calls as (INSTANCE/CLASS/CODE/SUBSYSTEM); `tls`: for
  // an https URL, the state root and the subsystem's own certificate and key, which
  // the security server authenticates it by (X-Road's SSLAUTH).
  ExchangeCaller(std::string security_server_url, std::string client_id, net::ClientOptions tls = {});

  // GET /r1/SERVICE-ID/PATH. A 200 (or 201) answer's JSON body; otherwise Unavailable (the
  // exchange or the provider could not answer: the call may or may not have been acted
  // on), ResourceExhausted (the call was not taken: the security server or the provider
  // answered 429 or 503 with Retry-After, or too many calls already wait here; the same
  // call may be sent again),
  // PermissionDenied (no grant), NotFound, or InvalidArgument, each with what the
  // security server or provider said.
  Result<ExchangeAnswer> Get(const std::string& service_id, const std::string& path, const CallPurpose& purpose);
  // POST /r1/SERVICE-ID/PATH with a JSON body; errors as Get.
  Result<ExchangeAnswer> Post(const std::string& service_id, const std::string& path, const Json& body,
                              const CallPurpose& purpose);
  // POST /r1/SERVICE-ID/PATH with a body of `content_type` (e.g. a signed container for
  // the validation service); a JSON answer, errors as Get.
  Result<ExchangeAnswer> PostBytes(const std::string& service_id, const std::string& path, const std::string& body,
                                   const std::string& content_type, const CallPurpose& purpose);

  // Get without blocking, from an event loop (ClientPool::SendAsync): `done` runs there
  // with the outcome, as Get's.
  void GetAsync(const std::string& service_id, const std::string& path, const CallPurpose& purpose,
                std::function<void(Result<ExchangeAnswer>)> done);
  // Post without blocking, as GetAsync.
  void PostAsync(const std::string& service_id, const std::string& path, const Json& body, const CallPurpose& purpose,
                 std::function<void(Result<ExchangeAnswer>)> done);
  // Any call without blocking: METHOD /r1/SERVICE-ID/PATH with `body` of `content_type`
  // (none for an empty body); a 200 answer of another media type than JSON comes as
  // bytes (ExchangeAnswer::bytes, body null).
  void SendAsync(const std::string& method, const std::string& service_id, const std::string& path, std::string body,
                 const std::string& content_type, const CallPurpose& purpose,
                 std::function<void(Result<ExchangeAnswer>)> done);

  const std::string& client_id() const { return client_id_; }

 private:
  net::Headers CallHeaders(const CallPurpose& purpose, const std::string& content_type) const;
  Result<ExchangeAnswer> Interpret(const std::string& service_id, Result<net::HttpResponse> resp) const;
  Result<ExchangeAnswer> Send(const std::string& method, const std::string& service_id, const std::string& path,
                              const std::string& body, const std::string& content_type, const CallPurpose& purpose);
  std::string url_;
  std::string client_id_;
  net::ClientPool pool_;
};

// What the provider (or its security server) said, without the service and status the
// error's message begins with: "no settlement 'Tartux'", for a person to read.
std::string_view ProviderMessage(const Status& status);

}  // namespace riik::registry
