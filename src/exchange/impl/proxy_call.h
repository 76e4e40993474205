// What the consumer and provider halves of a security server share while they relay
// one call on a network thread's event loop: the server's parts, the identifiers of
// the call, and the relay itself: the request logged, sent on, the answer logged and
// returned, each step started by the one before's callback. Private to src/exchange.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "exchange/access_rights.h"
#include "exchange/conf_client.h"
#include "exchange/message_log.h"
#include "exchange/xroad_error.h"
#include "net/client_pool.h"
#include "net/http.h"
#include "net/router.h"

namespace riik::exchange::impl {

// Where a provider's backend for one service lives.
struct Backend {
  std::string base_url;     // scheme://host:port
  std::string path_prefix;  // the URL's path without a trailing '/', e.g. "" or "/api"
};

struct ProxyContext {
  std::string server_id;  // this security server, INSTANCE/CLASS/CODE/SERVER
  ConfClient& conf;
  MessageLog& log;
  AccessRights& rights;
  const std::map<ServiceId, Backend>& backends;
  net::ClientPool& peers;         // mutual TLS to other security servers
  net::ClientPool& backend_pool;  // the provider's backends
  size_t max_body_bytes;
  bool log_off_for_benchmark;  // SecurityProxyOptions::message_log_off_for_benchmark
};

// One call's identity, as both logs record it.
struct CallIds {
  std::string xroad_id;
  std::string request_id;
  ClientId client;
  ServiceId service;
  std::string method;
  std::string path;  // below the service, with "?query" if any
  std::string user_id, issue, represented_party;
};

// The identifiers of a call taken from its relayed headers (X-Road-UserId, …).
CallIds IdsFor(std::string xroad_id, std::string request_id, ClientId client, ServiceId service,
               const net::HttpRequest& req, std::string_view rest, const net::Headers& headers);

MessageRecord RequestRecord(const CallIds& ids, const net::Headers& headers, std::string_view body);
MessageRecord ResponseRecord(const CallIds& ids, const net::HttpResponse& response);

// A call that passed its checks, as RunRelay carries it through.
struct Relay {
  CallIds ids;
  MessageRecord request;
  // Sends the request on (to the provider's server, or to the backend) with an
  // asynchronous client of the calling event loop; runs on that loop.
  std::function<void(net::HttpClient::Done)> send;
  // The answer for the caller, made of what `send` got.
  std::function<net::HttpResponse(Result<net::HttpResponse>)> answer;
  // The answers when the request, or the response, could not be logged.
  std::function<net::HttpResponse(const std::string& why)> request_not_logged;
  std::function<net::HttpResponse(const std::string& why)> response_not_logged;
};

// A refusal is answered at once. A relay: logs the request; once it is durable, sends
// it on from the calling thread's event loop (CurrentEventLoop(), which must be set);
// logs the response made of the answer; once that is durable, responds. Nothing waits
// in a thread meanwhile.
void RunRelay(const ProxyContext& ctx, std::variant<net::HttpResponse, Relay> checked, net::Responder respond);

// The X-Road headers a response carries back to the caller (PR-REST §4.3).
void AddResponseIds(net::Headers& headers, const CallIds& ids, const std::string& request_hash);

// A relayed response: status, content type and body as they came, the headers the
// security server may pass on, and none of the X-Road headers (the caller adds its own).
net::HttpResponse RelayedResponse(net::HttpResponse&& response);

// The two halves (consumer_proxy.cc, provider_proxy.cc): check the call and answer a
// refusal at once, or RunRelay it.
void ConsumerCall(const ProxyContext& ctx, net::HttpRequest&& req, net::Responder respond);
void ProviderCall(const ProxyContext& ctx, net::HttpRequest&& req, net::Responder respond);

}  // namespace riik::exchange::impl
