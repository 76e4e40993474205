// The pool of kept-alive clients.
#include "exchange/client_pool.h"

namespace riik::exchange {

Result<std::unique_ptr<net::HttpClient>> ClientPool::Take(const std::string& base_url) {
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(base_url);
    if (it != idle_.end() && !it->second.empty()) {
      std::unique_ptr<net::HttpClient> client = std::move(it->second.back());
      it->second.pop_back();
      return client;
    }
  }
  return net::HttpClient::Create(base_url, options_);  // outside the lock: loads TLS files
}

void ClientPool::Give(const std::string& base_url, std::unique_ptr<net::HttpClient> client) {
  std::lock_guard lock(mu_);
  auto& idle = idle_[base_url];
  if (idle.size() < max_idle_) idle.push_back(std::move(client));
}

Result<net::HttpResponse> ClientPool::Send(const std::string& base_url, std::string_view method,
                                           std::string_view target, const net::Headers& headers, std::string body) {
  ASSIGN_OR_RETURN(std::unique_ptr<net::HttpClient> client, Take(base_url));
  Result<net::HttpResponse> response = client->Send(method, target, headers, std::move(body));
  if (response.ok()) Give(base_url, std::move(client));
  return response;
}

}  // namespace riik::exchange
