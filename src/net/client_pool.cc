// The pool of kept-alive clients: blocking ones in the pool, asynchronous ones with their
// event loop.
#include "net/client_pool.h"

#include <atomic>
#include <deque>

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

struct ClientPool::Async {
  ClientOptions options;
  PeerCheck peer_check;
  size_t max_idle;
  std::chrono::seconds max_age;
};

namespace {

// A request waiting for one of the loop's connections to a peer.
struct Waiting {
  std::string base_url, method, target, body, peer;
  Headers headers;
  HttpClient::Done done;
};

// The clients of one event loop, owned by the loop (an Asio service): they go with it,
// before its reactor, whoever outlives whom among pools and servers. Touched only on the
// loop's thread.
class LoopClients : public asio::execution_context::service {
 public:
  using key_type = LoopClients;
  static asio::execution_context::id id;
  explicit LoopClients(asio::execution_context& context) : asio::execution_context::service(context) {}
  void shutdown() override { peers.clear(); }

  struct Idle {
    std::unique_ptr<HttpClient> client;
    std::chrono::steady_clock::time_point made;
  };
  struct Peer {
    std::vector<Idle> idle;
    size_t busy = 0;  // requests out
    std::deque<Waiting> waiting;
  };
  std::map<std::string, Peer> peers;  // by pool, peer and URL
};
asio::execution_context::id LoopClients::id;

std::atomic<uint64_t> next_pool_id{1};

void Drain(std::shared_ptr<const ClientPool::Async> async, EventLoop* loop, LoopClients& clients,
           const std::string& key);

// Sends `w` on an idle client of `key` (or a new one); when it is answered, the client
// goes back idle and waiting requests are sent (Drain) before `done` runs.
void Start(std::shared_ptr<const ClientPool::Async> async, EventLoop* loop, LoopClients& clients,
           const std::string& key, Waiting w) {
  LoopClients::Peer& peer = clients.peers[key];
  auto now = std::chrono::steady_clock::now();
  LoopClients::Idle held{nullptr, now};
  for (; !held.client && !peer.idle.empty(); peer.idle.pop_back()) {
    // One too old is dropped (closing its connection) and a fresh one is made.
    if (async->max_age.count() == 0 || now - peer.idle.back().made < async->max_age) held = std::move(peer.idle.back());
  }
  if (!held.client) {
    ClientOptions options = async->options;
    if (async->peer_check) {
      options.verify_server = [check = async->peer_check, p = w.peer, url = w.base_url](X509* leaf) {
        return check(p, url, leaf);
      };
    }
    Result<std::unique_ptr<HttpClient>> created = HttpClient::Create(w.base_url, options, loop);
    if (!created.ok()) return w.done(created.status());
    held.client = std::move(*created);
  }
  ++peer.busy;
  auto shared = std::make_shared<LoopClients::Idle>(std::move(held));
  HttpClient* client = shared->client.get();
  client->SendAsync(
      w.method, w.target, w.headers, std::move(w.body),
      [async, loop, &clients, key, shared, done = std::move(w.done)](Result<HttpResponse> response) mutable {
        LoopClients::Peer& p = clients.peers[key];
        --p.busy;
        if (response.ok() && p.idle.size() < async->max_idle) p.idle.push_back(std::move(*shared));
        Drain(async, loop, clients, key);
        done(std::move(response));
      });
}

// Starts waiting requests, in order, while there is room (a request whose client cannot
// be made is answered at once and frees its turn for the next).
void Drain(std::shared_ptr<const ClientPool::Async> async, EventLoop* loop, LoopClients& clients,
           const std::string& key) {
  LoopClients::Peer& p = clients.peers[key];
  while (!p.waiting.empty() && p.busy < ClientPool::kMaxConnectionsPerLoop) {
    Waiting next = std::move(p.waiting.front());
    p.waiting.pop_front();
    Start(async, loop, clients, key, std::move(next));
  }
}

}  // namespace

ClientPool::ClientPool(ClientOptions options, size_t max_idle, std::chrono::seconds max_age, PeerCheck peer_check)
    : options_(std::move(options)),
      max_idle_(max_idle),
      max_age_(max_age),
      peer_check_(std::move(peer_check)),
      id_(next_pool_id++),
      async_(std::make_shared<const Async>(Async{options_, peer_check_, max_idle_, max_age_})) {}

void ClientPool::SendAsync(const std::string& base_url, std::string_view method, std::string_view target,
                           const Headers& headers, std::string body, const std::string& peer, HttpClient::Done done) {
  EventLoop* loop = CurrentEventLoop();
  if (loop == nullptr) return done(FailedPrecondition("ClientPool::SendAsync is for a thread that runs an event loop"));
  auto& clients = asio::use_service<LoopClients>(IoContextOf(loop));
  const std::string key = std::to_string(id_) + " " + peer + " " + base_url;  // a peer id has no space
  Waiting w{base_url, std::string(method), std::string(target), std::move(body), peer, headers, std::move(done)};
  LoopClients::Peer& p = clients.peers[key];
  // In order: while others wait, a new request waits behind them.
  if (p.waiting.empty() && p.busy < kMaxConnectionsPerLoop) return Start(async_, loop, clients, key, std::move(w));
  if (p.waiting.size() >= kMaxWaitingPerLoop) {
    return w.done(ResourceExhausted("over " + std::to_string(kMaxWaitingPerLoop) + " requests wait for " + base_url));
  }
  p.waiting.push_back(std::move(w));
}

}  // namespace riik::net
