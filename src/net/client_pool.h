// Kept-alive HTTP clients to a process's peers (a security server's other security
// servers and backends, a registry's own security server), shared by its threads:
// blocking clients by worker threads, asynchronous ones by each event loop for itself. A call takes an idle client
// for the base URL, or makes one, uses it alone, and puts it back if the exchange succeeded; a client whose exchange
// failed is dropped with its connection. HttpClient itself is single-threaded; the pool is what lets many workers talk
// to one peer at once. Clients older than `max_age` are not reused: their connections are made anew, so the peer's
// certificate is checked again (OCSP freshness) and a revoked peer is cut off.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/client.h"

namespace riik::net {

class ClientPool {
 public:
  // Checks a TLS server's certificate against the peer the caller meant to reach (its
  // `peer` argument to Send: the security server's id), so that a peer is pinned to
  // its own registered certificate, not to whichever server's is found at the address.
  using PeerCheck = std::function<Status(const std::string& peer, const std::string& base_url, X509* leaf)>;

  // `options` for every client (TLS files, timeout, response size limit); at most
  // `max_idle` idle clients are kept per base URL.
  explicit ClientPool(ClientOptions options, size_t max_idle = 64,
                      std::chrono::seconds max_age = std::chrono::seconds(0),  // 0: no limit
                      PeerCheck peer_check = nullptr);

  // One request to `base_url` (scheme, host, port), to the peer named `peer` (checked
  // by the PeerCheck; clients are pooled per peer and URL). Transport failures as
  // HttpClient::Send (Unavailable, DeadlineExceeded); InvalidArgument for a bad URL.
  Result<HttpResponse> Send(const std::string& base_url, std::string_view method, std::string_view target,
                            const Headers& headers, std::string body, const std::string& peer = "");
  // The same from an event loop's thread (CurrentEventLoop()), without blocking it: its
  // clients belong to that loop (and are kept with it, not in the pool, so they go with
  // the loop whatever outlives what), and `done` runs there with the outcome. Called off
  // a loop, `done` gets FailedPrecondition at once. At most kMaxConnectionsPerLoop
  // requests per peer and URL are out at once from one loop (a server caps connections
  // per address: a fan-out must queue, not open a connection per request); the rest wait
  // in order, at most kMaxWaitingPerLoop (beyond: ResourceExhausted at once).
  void SendAsync(const std::string& base_url, std::string_view method, std::string_view target, const Headers& headers,
                 std::string body, const std::string& peer, HttpClient::Done done);
  static constexpr size_t kMaxConnectionsPerLoop = 32;
  static constexpr size_t kMaxWaitingPerLoop = 4096;

  // What the asynchronous side needs after the pool itself may have gone (internal).
  struct Async;

 private:
  struct Pooled {
    std::unique_ptr<HttpClient> client;
    std::chrono::steady_clock::time_point made;
  };
  Result<Pooled> Take(const std::string& key, const std::string& base_url, const std::string& peer);
  ClientOptions OptionsFor(const std::string& base_url, const std::string& peer) const;
  void Give(const std::string& key, Pooled pooled);

  ClientOptions options_;
  size_t max_idle_;
  std::chrono::seconds max_age_;
  PeerCheck peer_check_;
  uint64_t id_;  // tells this pool's clients apart among a loop's
  std::shared_ptr<const Async> async_;
  std::mutex mu_;
  std::map<std::string, std::vector<Pooled>> idle_;
};

}  // namespace riik::net
