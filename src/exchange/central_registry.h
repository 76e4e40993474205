// The central authority's registry: members and their subsystems, security servers and
// the subsystems each carries, and the service catalogue, kept in a journaled store
// (every change one transaction), and the global configuration built from it.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "exchange/global_conf.h"
#include "store/store.h"

namespace riik::exchange {

class CentralRegistry {
 public:
  // Creates the tables if needed. `instance`: the X-Road instance, e.g. "EE".
  static Result<std::unique_ptr<CentralRegistry>> Open(store::Store& store, std::string instance);

  const std::string& instance() const { return instance_; }

  // Each change is checked (identifier rules, the instance, that what it refers to
  // exists) and refused with the reason; AlreadyExists for a duplicate.
  Status AddMember(const MemberId& id, const std::string& name);
  Status AddSubsystem(const ClientId& id);
  // Registers a security server, or updates its address, certificate and clients.
  Status PutServer(const SecurityServer& server);
  // Registers a subsystem of a member as a sign-in client, or updates its registration.
  Status PutSignInClient(const SignInClient& client);
  Status AddService(const ServiceId& id, const std::string& description);
  Status RemoveService(const ServiceId& id);

  // The configuration as it stands, with its version (the store's journal head, so it
  // grows with every change) and validity from `now`.
  Result<GlobalConf> Build(UnixMicros now, int64_t validity_s, const std::string& ocsp_url, const std::string& tsa_url);

 private:
  CentralRegistry(store::Store& store, std::string instance) : store_(store), instance_(std::move(instance)) {}
  Status CheckInstance(const MemberId& id) const;
  store::Store& store_;
  std::string instance_;
};

}  // namespace riik::exchange
