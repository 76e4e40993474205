// Token buckets and in-flight caps per client.
#include "exchange/admission.h"

#include <algorithm>

namespace riik::exchange {

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->Release(client_);
    owner_ = other.owner_;
    client_ = std::move(other.client_);
    other.owner_ = nullptr;
  }
  return *this;
}

Admission::Ticket::~Ticket() {
  if (owner_) owner_->Release(client_);
}

Result<Admission::Ticket> Admission::Admit(const std::string& client) {
  std::lock_guard lock(mu_);
  UnixMicros now = options_.clock();
  if (buckets_.size() >= options_.max_clients && !buckets_.count(client)) DropIdle();
  auto [it, fresh] = buckets_.try_emplace(client);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
    b.refilled_at = now;
  }
  b.tokens = std::min(options_.burst, b.tokens + options_.rate_per_s * static_cast<double>(now - b.refilled_at) / 1e6);
  b.refilled_at = now;
  if (b.in_flight >= options_.max_in_flight) {
    ++refused_;
    return ResourceExhausted("client " + client + " already has " + std::to_string(b.in_flight) +
                             " calls in flight (the limit per client)");
  }
  if (b.tokens < 1) {
    ++refused_;
    return ResourceExhausted("client " + client + " is over its rate of " +
                             std::to_string(static_cast<int64_t>(options_.rate_per_s)) + " requests per second");
  }
  b.tokens -= 1;
  ++b.in_flight;
  return Ticket(this, client);
}

void Admission::Release(const std::string& client) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(client);
  if (it != buckets_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

// Drops the buckets with nothing in flight (a full bucket is what a new one gets, so
// only clients that spent tokens lose anything, and only their refill).
void Admission::DropIdle() {
  std::erase_if(buckets_, [](const auto& kv) { return kv.second.in_flight == 0; });
}

int Admission::in_flight(const std::string& client) const {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(client);
  return it == buckets_.end() ? 0 : it->second.in_flight;
}

int64_t Admission::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

}  // namespace riik::exchange
