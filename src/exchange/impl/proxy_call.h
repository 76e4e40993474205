// What the consumer and provider halves of a security server share while they relay
// one call on a worker thread: the server's parts, the identifiers of the call, and
// logging a message and waiting for it to be durable. Private to src/exchange.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "exchange/access_rights.h"
#include "exchange/conf_client.h"
#include "exchange/message_log.h"
#include "exchange/xroad_error.h"
#include "net/client_pool.h"
#include "net/http.h"

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

// Appends `record` and waits until it is durable under a signed tree head.
Status LogAndWait(MessageLog& log, const MessageRecord& record);

// The X-Road headers a response carries back to the caller (PR-REST §4.3).
void AddResponseIds(net::Headers& headers, const CallIds& ids, const std::string& request_hash);

// A relayed response: status, content type and body as they came, the headers the
// security server may pass on, and none of the X-Road headers (the caller adds its own).
net::HttpResponse RelayedResponse(net::HttpResponse&& response);

// Runs the two halves (consumer_proxy.cc, provider_proxy.cc).
net::HttpResponse ConsumerCall(const ProxyContext& ctx, const net::HttpRequest& req);
net::HttpResponse ProviderCall(const ProxyContext& ctx, const net::HttpRequest& req);

}  // namespace riik::exchange::impl
