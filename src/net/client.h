// HttpClient: an HTTP/1.1 client over TCP or TLS (optionally with a client
// certificate), keeping one connection alive across requests. Built on Beast coroutines.
// Either blocking (Send: the client drives a private io_context on the calling thread,
// one thread at a time) or asynchronous on an event loop (SendAsync: a server's network
// thread, which goes on serving other connections while the request is out).
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "net/http.h"
#include "net/url.h"

namespace riik::net {

struct ClientOptions {
  std::string ca_file;                       // trust anchors for https (PEM); empty: the system's store
  std::string cert_file;                     // client certificate chain for mutual TLS (PEM)
  std::string key_file;                      // its private key
  bool verify_peer = true;                   // check the server's certificate and host name
  bool require_tls13 = false;                // refuse TLS 1.2 (security servers among themselves)
  std::chrono::milliseconds timeout{15000};  // per request, connect included
  // Called after each TLS handshake with the server's verified leaf certificate; a non-OK
  // status drops the connection and fails the request with it (PermissionDenied keeps
  // its code). The security server pins peers to the global configuration and checks
  // their OCSP status here.
  std::function<Status(X509* leaf)> verify_server;
  size_t max_body_bytes = 64 * 1024 * 1024;
};

// A server's network thread (HttpServer): an opaque handle to the event loop it runs.
class EventLoop;
// The event loop the calling thread runs, or null if it runs none.
EventLoop* CurrentEventLoop();
// Runs `fn` on `loop`'s thread, after what is already queued there.
void Post(EventLoop* loop, std::function<void()> fn);

class HttpClient {
 public:
  using Done = std::function<void(Result<HttpResponse>)>;

  // `base_url` names scheme, host and port; its path is ignored. With `loop`, the client
  // belongs to that event loop: only SendAsync, only from the loop's thread.
  static Result<std::unique_ptr<HttpClient>> Create(std::string_view base_url, ClientOptions options = {},
                                                    EventLoop* loop = nullptr);
  ~HttpClient();

  // Sends one request. A transport failure is Unavailable or DeadlineExceeded; any
  // HTTP status (including 4xx/5xx) is a successful exchange.
  Result<HttpResponse> Send(std::string_view method, std::string_view target, const Headers& headers = {},
                            std::string body = "");
  Result<HttpResponse> Get(std::string_view target) { return Send("GET", target); }
  Result<HttpResponse> PostJson(std::string_view target, const Json& body);

  // As Send, on the client's event loop: returns at once; `done` runs on the loop's
  // thread with the outcome. The client must outlive the call (until `done`).
  void SendAsync(std::string_view method, std::string_view target, const Headers& headers, std::string body, Done done);

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
Result<HttpResponse> Fetch(std::string_view method, std::string_view url, const Headers& headers = {},
                           std::string body = "", const ClientOptions& options = {});

}  // namespace riik::net
