// The pool of kept-alive clients.
#include "net/client_pool.h"

namespace riik::net {

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
  ClientOptions options = options_;
  if (peer_check_) {
    options.verify_server = [check = peer_check_, peer, base_url](X509* leaf) { return check(peer, base_url, leaf); };
  }
  ASSIGN_OR_RETURN(auto client, HttpClient::Create(base_url, options));  // outside the lock: loads TLS files
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

}  // namespace riik::net
