// SecurityProxy: a member's security server (the role `exchange`): the consumer side answers the
// member's information systems (X-Road Message Protocol for REST 1.0 on plain HTTP),
// the provider side answers other security servers (mutual TLS), and both log every
// request and response in the server's message log before the answer goes on. A call
// is relayed on the network thread that received it, without blocking it: the peer
// and the backend are asked with asynchronous kept-alive clients of that thread's event
// loop, and each durable log write is waited for by a callback, not by a thread.
// Protocol, errors and differences from X-Road: docs/exchange.md.
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "exchange/access_rights.h"
#include "exchange/conf_client.h"
#include "exchange/message_log.h"
#include "net/client_pool.h"
#include "net/router.h"

namespace riik::exchange {

namespace impl {
struct Backend;
struct ProxyContext;
}  // namespace impl

struct SecurityProxyOptions {
  std::string server_id;                        // INSTANCE/CLASS/CODE/SERVER, as in the global configuration
  std::unique_ptr<ConfClient> conf;             // required
  std::unique_ptr<MessageLog> log;              // required; its store outlives the server
  std::unique_ptr<AccessRights> rights;         // required
  std::map<std::string, std::string> backends;  // service id -> backend URL (http or https, optional path)
  net::ClientOptions peer_tls;                  // to other security servers: state root, auth cert and key
  net::ClientOptions backend_http;              // to backends
  size_t max_body_bytes = 4 << 20;
  // For exchange_bench's comparison only, never in service: relay without logging, so
  // that the relay's cost and the log's can be told apart. Its evidence guarantee is gone.
  bool message_log_off_for_benchmark = false;
  // Connections to other security servers are made anew after this long, so that their
  // certificates are checked again (set it to the OCSP freshness); 0: kept while alive.
  std::chrono::seconds peer_connection_max_age{0};
  // Checks the provider server's certificate for the address it was reached at.
  net::ClientPool::PeerCheck peer_check;
};

class SecurityProxy {
 public:
  // InvalidArgument for a bad server id, a bad service id or URL among the backends, or a
  // missing part.
  static Result<std::unique_ptr<SecurityProxy>> Create(SecurityProxyOptions options);
  // The servers whose event loops relay its calls must be stopped first (their threads
  // joined, their loops not yet destroyed): the message log's last callbacks post there.
  ~SecurityProxy();

  // Relay one call, on the calling network thread's event loop: from a local information
  // system (the consumer side) or from another security server over mutual TLS (the
  // provider side).
  void HandleConsumer(net::HttpRequest&& req, net::Responder respond);
  void HandleProvider(net::HttpRequest&& req, net::Responder respond);
  // The provider listener's verify_client hook: OK only for a certificate whose SHA-256
  // is a security server's in the configuration in force (the TLS layer has already
  // checked its chain to the state root).
  Status VerifyPeer(X509* leaf) const;

  const std::string& server_id() const { return server_id_; }
  ConfClient& conf() { return *conf_; }
  MessageLog& log() { return *log_; }
  AccessRights& rights() { return *rights_; }
  bool message_log_off_for_benchmark() const { return log_off_for_benchmark_; }

 private:
  SecurityProxy(SecurityProxyOptions options);

  std::string server_id_;
  std::unique_ptr<ConfClient> conf_;
  std::unique_ptr<MessageLog> log_;
  std::unique_ptr<AccessRights> rights_;
  std::map<ServiceId, impl::Backend> backends_;
  net::ClientPool peers_;
  net::ClientPool backend_pool_;
  size_t max_body_bytes_;
  bool log_off_for_benchmark_;
  std::unique_ptr<impl::ProxyContext> context_;
};

// Routes every method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS) on /r1/… to
// `handler`, for paths of up to kMaxRestSegments segments below /r1 (the router matches
// whole patterns; deeper paths get its 404).
inline constexpr int kMaxRestSegments = 32;
void AddRestRoutes(net::Router& router, const net::AsyncHandler& handler);

}  // namespace riik::exchange
