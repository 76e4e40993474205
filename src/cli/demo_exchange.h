// The data exchange's demo set-up for `riik up`: the central authority's signing
// certificate and trust anchor (DIR/central/), and the demo members, subsystems and
// services in its registry. Runs before the roles start, while no process owns the
// stores; idempotent.
#pragma once

#include <string>
#include <vector>

#include "cli/ca_access.h"
#include "node/config.h"

namespace riik::cli {

// Where the demo exchange listens. Ports must be known before the roles start: the
// central registry names the provider addresses, and security servers the central URL.
struct DemoExchangePorts {
  int central = 0;
  int backend = 0;
  int population = 0, population_provider = 0;  // the population register's security server
  int tax = 0, tax_provider = 0;                // the tax board's
  // From --port-base (central +3, backend +4, then +5…+8), or free ports when it is 0.
  static Result<DemoExchangePorts> Pick(int port_base);
};

// The demo exchange: a backend standing in for the population register's information
// system, and two security servers (population register EE/GOV/70000013, tax board
// EE/GOV/70000349) with their auth and signing certificates from the CA, registered in
// the central registry; the tax board may read the population register's `person`
// service. Returns the role configs to run.
Result<std::vector<node::RoleConfig>> PrepareDemoExchange(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file,
                                                          const DemoExchangePorts& ports);

// Issues DIR/central/signing.{pem,key} from the organisations CA if missing (the key
// encrypted under the CA passphrase), writes DIR/central/anchor.json, seeds the
// registry, and returns the central role's settings.
Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file);

}  // namespace riik::cli
