// The data exchange's demo set-up for `riik up`: the central authority's signing
// certificate and trust anchor (DIR/central/), and the demo members, subsystems and
// services in its registry. Runs before the roles start, while no process owns the
// stores; idempotent.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/ca_access.h"
#include "node/config.h"

namespace riik::cli {

// Where the demo exchange listens. Ports must be known before the roles start: the
// central registry names the provider addresses, and security servers the central URL.
struct DemoExchangePorts {
  int central = 0;
  struct Registry {
    int registry = 0;  // the registry role (its services: the security server's backend)
    int consumer = 0;  // its security server, for the registry's own calls
    int provider = 0;  // the security server's mutual-TLS listener for other servers
  };
  std::vector<Registry> registries;  // in registry::Registries() order
  int embassy = 0;                   // the data embassy (its own process), after the registries
  Registry sign;                     // the validation service and its security server, after the embassy
  int auth = 0;                      // the sign-in service, after the validation service
  int rp_a = 0, rp_b = 0;            // two demo services that sign people in through it
  int portal = 0;                    // the citizen portal, after them
  int vote = 0;            // the vote service (hosted on the validation service's security server), after the portal
  std::vector<int> first;  // the roles before central (status, trust, …): +0, +1, …
  // From --port-base (the `first_roles` from +0, central +3, then three per registry from
  // +4, then the embassy, then the validation service's three), or, when it is 0, distinct
  // free ports picked together, so that
  // no role's port can be one the kernel hands another role of the same run.
  static Result<DemoExchangePorts> Pick(int port_base, size_t first_roles);
};

struct DemoExchangeOptions {
  int64_t population = 3000;  // persons in the registries' synthetic population
  uint64_t seed = 1;
  std::chrono::seconds polls = std::chrono::hours(24 * 7);  // the demo election's polls, from the first start
  int ballot_queue = 16;                                    // the vote service's max_waiting
  // The demo election's polling-station officials, by their signing certificates' SHA-256.
  std::vector<std::string> paper_vote_officials;
};

// The demo exchange: the five base registries (registry/registry.h), each a member of
// the exchange with its registry role and its security server (auth and signing
// certificates from the CA), and the signature validation service (role sign) as a
// member of its own behind its security server; registered in the central registry, and
// the grants the once-only flows need (deny by default otherwise). Returns the role
// configs to run.
Result<std::vector<node::RoleConfig>> PrepareDemoExchange(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file,
                                                          const DemoExchangePorts& ports,
                                                          const DemoExchangeOptions& options);

// Issues (once) a certificate of `profile` for `name` into BASE.pem (with the
// organisations CA's chain) and BASE.key (0600; under `passphrase` unless it is empty,
// when the TLS layer reads it at start); server certificates are for 127.0.0.1 and
// localhost. `data_dir` is riik up's directory. Returns the certificate's SHA-256 (hex).
Result<std::string> EnsureCertificate(CaAccess& ca, const std::string& data_dir, const std::string& base,
                                      trust::Profile profile, const std::string& name, const std::string& passphrase);

// Issues (once) a server's auth certificate (TLS both ways, for 127.0.0.1) and signing
// certificate into `dir` (a directory of the riik up directory: its parent holds
// trust/); returns the auth certificate's SHA-256 in hex.
Result<std::string> EnsureServerCertificates(CaAccess& ca, const std::string& dir, const std::string& passphrase,
                                             const std::string& name);

// Issues DIR/central/signing.{pem,key} from the organisations CA if missing (the key
// encrypted under the CA passphrase), writes DIR/central/anchor.json, seeds the
// registry, and returns the central role's settings.
// The validation service's member: the Information System Authority, subsystem sign.
inline constexpr const char* kSignMember = "EE/GOV/70006317";
inline constexpr const char* kSignSubsystem = "EE/GOV/70006317/sign";
// Its other subsystems, which call through the same security server (ss-sign): the
// sign-in service (board seats in the business register, for acting for a company) and
// the demo services (a company's record, acting for it).
inline constexpr const char* kSignInSubsystem = "EE/GOV/70006317/auth";
inline constexpr const char* kDemoServiceA = "EE/GOV/70006317/demo-a";
inline constexpr const char* kDemoServiceB = "EE/GOV/70006317/demo-b";
// The vote service: the State Electoral Office's, of the Chancellery of the Riigikogu;
// hosted on the Information System Authority's security server (ss-sign).
inline constexpr const char* kVoteMember = "EE/GOV/74000026";
inline constexpr const char* kVoteSubsystem = "EE/GOV/74000026/vote";
// The citizen portal (eesti.ee is the Information System Authority's too).
inline constexpr const char* kPortalSubsystem = "EE/GOV/70006317/portal";
struct ExchangeClientRole {
  const char* subsystem;
  const char* role;  // the role that calls as it
};
inline constexpr ExchangeClientRole kSignMemberClients[] = {
    {kSignInSubsystem, "auth"}, {kDemoServiceA, "rp-a"}, {kDemoServiceB, "rp-b"}, {kPortalSubsystem, "portal"}};
// The validation service's secret as a client of the sign-in service's signing API.
std::string SigningClientSecretFile(const std::string& dir);
// The certificate (base path: .pem, .key) `role` calls its security server with.
std::string ExchangeClientCertificate(const std::string& dir, const std::string& role);

Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file);

}  // namespace riik::cli
