// HttpServer: HTTP/1.1 over TCP or TLS (optionally mutual TLS) on Boost.Beast with
// C++20 coroutines, on event loops of its own (one thread each) or on a process's shared
// EventLoops. Keep-alive, header/body limits, timeouts, graceful stop.
// Every server answers GET /healthz and GET /metrics itself.
//
// Malformed requests are answered with a JSON error and the connection is closed:
// oversized header 431, oversized body 413, truncated or unparsable request 400 (also
// a Transfer-Encoding whose last coding is not chunked: RFC 9112 §6.3), a request that
// does not arrive in time 408. A connection waits idle_timeout for its first byte;
// from then on the whole request must arrive within read_timeout.
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "net/event_loops.h"
#include "net/router.h"

namespace riik::net {

struct TlsServerConfig {
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // if set, clients must present a certificate chaining to it
  // With client_ca_file: a client may also come without a certificate (the router's
  // gate then decides; operators with a bearer token do this), but one that presents a
  // certificate must pass verify_client.
  bool client_cert_optional = false;
  // Called after the handshake, before a byte of any request is read, with the verified
  // client chain's leaf; a non-OK status refuses the connection with 403 and the
  // status's message. Security servers pin peers to the global configuration here,
  // registries their own security server, the embassy its senders.
  std::function<Status(X509* leaf)> verify_client;
  bool require_tls13 = false;  // refuse TLS 1.2 (the security servers' listener)
};

struct ServerOptions {
  std::string name = "http";  // label in metrics and logs
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see HttpServer::port())
  int threads = 1;    // event loops of its own, when `loops` is not set
  // Shared event loops (the node's) to serve on instead; they must outlive the server.
  std::shared_ptr<EventLoops> loops;
  std::optional<TlsServerConfig> tls;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{15000};  // for one whole request
  std::chrono::milliseconds idle_timeout{60000};  // between keep-alive requests
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds shutdown_grace{5000};  // Stop() waits this long for in-flight requests
  // Open connections from one IP address, at most (0: no cap). Beyond it a new
  // connection is refused at once: over plain HTTP with a 503 naming the cap, over TLS
  // closed before the handshake (whose cost is what a flood of connections is after).
  // Counted in riik_http_connections_refused_total.
  size_t max_connections_per_address = 0;
  // Open connections in all, at most (0: no cap), refused beyond it as above: the
  // descriptors a flood may take from one listener are bounded.
  size_t max_connections = 0;
  // Why the server's service cannot serve yet (empty once it can): GET /healthz answers
  // 503 with it until then. None: /healthz says only that the listener answers.
  std::function<std::string()> not_ready;
};

// Raises this process's soft limit on open files to its hard limit (at most `want`), so
// that the connection caps, not the descriptor limit, decide. Returns the limit now.
size_t RaiseOpenFileLimit(size_t want = 65536);

class HttpServer {
 public:
  // Binds, starts the threads and returns; fails if the address cannot be bound or the
  // TLS files cannot be loaded (the message names which).
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Router router);
  ~HttpServer();  // calls Stop()

  uint16_t port() const;
  // "http://127.0.0.1:PORT" or "https://…".
  std::string url() const;

  // Stops accepting, lets in-flight requests finish (up to shutdown_grace), closes idle
  // keep-alive connections, then closes what is left (a request still waiting for its
  // handler is answered 503) and joins its own threads. On shared loops, returns once
  // none of its connections is left on them. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;  // also held by its connections while they last
};

}  // namespace riik::net
