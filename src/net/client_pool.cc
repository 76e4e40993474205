// The pool of kept-alive clients: blocking ones in the pool, asynchronous ones with their
// event loop.
#include "net/client_pool.h"

#include <atomic>

#include "net/impl/beast.h"

namespace riik::net {

ClientOptions ClientPool::OptionsFor(const std::string& base_url, const std::string& peer) const {
  ClientOptions options = options_;
  if (peer_check_) {
    options.verify_server = [check = peer_check_, peer, base_url](X509* leaf) { return check(peer, base_url, leaf); };
  }
  return options;
}

Result<ClientPool::Pooled> ClientPool::Take(const std::string& key, const std::string& base_url,
                                            const std::string& peer) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(key);
    while (it != idle_.end() && !it->second.empty()) {
      Pooled pooled = std::move(it->second.back());
      it->second.pop_back();
      if (max_age_.count() == 0 || now - pooled.made < max_age_) return pooled;
      // Too old: dropped (closing its connection) and a fresh one is made.
    }
  }
  ASSIGN_OR_RETURN(auto client,
                   HttpClient::Create(base_url, OptionsFor(base_url, peer)));  // outside the lock: loads TLS files
  return Pooled{std::move(client), now};
}

void ClientPool::Give(const std::string& key, Pooled pooled) {
  std::lock_guard lock(mu_);
  auto& idle = idle_[key];
  if (idle.size() < max_idle_) idle.push_back(std::move(pooled));
}

Result<HttpResponse> ClientPool::Send(const std::string& base_url, std::string_view method, std::string_view target,
                                      const Headers& headers, std::string body, const std::string& peer) {
  const std::string key = peer + " " + base_url;  // a peer id has no space
  ASSIGN_OR_RETURN(Pooled pooled, Take(key, base_url, peer));
  Result<HttpResponse> response = pooled.client->Send(method, target, headers, std::move(body));
  if (response.ok()) Give(key, std::move(pooled));
  return response;
}

namespace {

// The idle clients of one event loop, owned by the loop (an Asio service): they go with
// it, before its reactor, whoever outlives whom among pools and servers. Touched only on
// the loop's thread.
class LoopClients : public asio::execution_context::service {
 public:
  using key_type = LoopClients;
  static asio::execution_context::id id;
  explicit LoopClients(asio::execution_context& context) : asio::execution_context::service(context) {}
  void shutdown() override { idle.clear(); }

  struct Idle {
    std::unique_ptr<HttpClient> client;
    std::chrono::steady_clock::time_point made;
  };
  std::map<std::string, std::vector<Idle>> idle;
};
asio::execution_context::id LoopClients::id;

std::atomic<uint64_t> next_pool_id{1};

}  // namespace

ClientPool::ClientPool(ClientOptions options, size_t max_idle, std::chrono::seconds max_age, PeerCheck peer_check)
    : options_(std::move(options)),
      max_idle_(max_idle),
      max_age_(max_age),
      peer_check_(std::move(peer_check)),
      id_(next_pool_id++) {}

void ClientPool::SendAsync(const std::string& base_url, std::string_view method, std::string_view target,
                           const Headers& headers, std::string body, const std::string& peer, HttpClient::Done done) {
  EventLoop* loop = CurrentEventLoop();
  if (loop == nullptr) return done(FailedPrecondition("ClientPool::SendAsync is for a thread that runs an event loop"));
  auto& clients = asio::use_service<LoopClients>(IoContextOf(loop));
  const std::string key = std::to_string(id_) + " " + peer + " " + base_url;  // a peer id has no space
  auto now = std::chrono::steady_clock::now();
  std::unique_ptr<HttpClient> client;
  std::chrono::steady_clock::time_point made = now;
  for (auto& idle = clients.idle[key]; !client && !idle.empty(); idle.pop_back()) {
    // One too old is dropped (closing its connection) and a fresh one is made.
    if (max_age_.count() == 0 || now - idle.back().made < max_age_) {
      client = std::move(idle.back().client);
      made = idle.back().made;
    }
  }
  if (!client) {
    Result<std::unique_ptr<HttpClient>> created = HttpClient::Create(base_url, OptionsFor(base_url, peer), loop);
    if (!created.ok()) return done(created.status());
    client = std::move(*created);
  }
  auto held = std::make_shared<LoopClients::Idle>(LoopClients::Idle{std::move(client), made});
  held->client->SendAsync(
      method, target, headers, std::move(body),
      [&clients, key, held, max_idle = max_idle_, done = std::move(done)](Result<HttpResponse> response) mutable {
        if (response.ok()) {
          auto& idle = clients.idle[key];
          if (idle.size() < max_idle) idle.push_back(std::move(*held));
        }
        done(std::move(response));
      });
}

}  // namespace riik::net
