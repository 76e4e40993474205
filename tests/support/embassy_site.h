// A throwaway data embassy deployment in a directory, for tests and benchmarks: a state
// CA, the embassy's and a home node's certificates, the master key split among five
// custodians (PINs Pins()), the embassy node (role embassy, mutual TLS) and the
// [shipping] settings a home node needs to ship to it. Loopback only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "embassy/custody.h"
#include "node/config.h"
#include "node/node.h"
#include "store/store.h"
#include "trust/ca.h"

namespace riik::testing {

class EmbassySite {
 public:
  // Sets up DIR: CA, certificates, custody (DIR/custody).
  static Result<std::unique_ptr<EmbassySite>> Create(const std::string& dir);
  ~EmbassySite();

  // Starts embassy `which` (0, 1, …: each with its own archive) on 127.0.0.1:port (0:
  // any; restarts reuse port(which)).
  Status StartEmbassy(uint16_t port = 0, size_t which = 0);
  void StopEmbassy(size_t which = 0);

  // The home node's [shipping] settings: to every embassy started so far, in `mode`.
  node::RoleConfig Shipping(const std::string& mode, int sync_timeout_ms = 10000) const;
  // Custodians' shares by number (1..5), from DIR/custody or another custody directory.
  std::vector<embassy::OpenedShare> Shares(std::initializer_list<int> which, const std::string& custody = "") const;
  static const std::vector<std::string>& Pins();

  const std::string& dir() const { return dir_; }
  const std::string& root() const { return root_; }  // the root certificate's PEM file
  std::string archive(size_t which = 0) const;       // an embassy's archive directory
  std::string url(size_t which = 0) const;
  uint16_t port(size_t which = 0) const;
  // Issues a certificate of `profile` into BASE.pem (with the organisations CA) and
  // BASE.key; returns the leaf's SHA-256 in hex.
  Result<std::string> Issue(trust::Profile profile, const std::string& cn, const std::string& base);

 private:
  explicit EmbassySite(std::string dir) : dir_(std::move(dir)) {}
  struct Embassy {
    std::string url;
    uint16_t port = 0;
    std::unique_ptr<node::Node> node;
  };
  std::string dir_, root_, sender_sha_;
  std::unique_ptr<store::Store> trust_store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::vector<Embassy> embassies_;
};

}  // namespace riik::testing
