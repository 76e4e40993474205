// Admission control for a security server, per client subsystem (Estonia 2007: a flood
// from one client must not starve the others): a token bucket limits each client's
// request rate, and a cap limits how many of its calls may be in flight at once, so
// that no single client can occupy every worker. Refusals are ResourceExhausted and
// say which limit was hit; the security server answers them with 429.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/status.h"

namespace riik::exchange {

struct AdmissionOptions {
  double rate_per_s = 2000;  // sustained requests per second per client
  double burst = 400;        // how far above the rate a client may go for a moment
  int max_in_flight = 16;    // concurrent calls per client (keep it below the worker count)
  size_t max_clients = 100'000;  // buckets kept; idle ones are dropped beyond this
  Clock clock = SystemClock();
};

class Admission {
 public:
  explicit Admission(AdmissionOptions options) : options_(std::move(options)) {}

  // Holds one in-flight slot of a client until destroyed (or moved from).
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept : owner_(other.owner_), client_(std::move(other.client_)) { other.owner_ = nullptr; }
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket();

   private:
    friend class Admission;
    Ticket(Admission* owner, std::string client) : owner_(owner), client_(std::move(client)) {}
    Admission* owner_ = nullptr;
    std::string client_;
  };

  // Admits one call of `client`, or refuses it (ResourceExhausted) when the client is
  // over its rate or has max_in_flight calls running.
  Result<Ticket> Admit(const std::string& client);

  int in_flight(const std::string& client) const;
  int64_t refused() const;

 private:
  struct Bucket {
    double tokens = 0;
    UnixMicros refilled_at = 0;
    int in_flight = 0;
  };
  void Release(const std::string& client);
  void DropIdle();

  AdmissionOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t refused_ = 0;
};

}  // namespace riik::exchange
