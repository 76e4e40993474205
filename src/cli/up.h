// `riik up` as a function: also what `riik embassy failover` runs on a restored directory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace riik::cli {

struct UpOptions {
  std::string dir = "riik-data";
  int port_base = 7000;
  int threads = 1;
  int ocsp_freshness_s = 60;           // the security servers' ocsp_freshness_s
  int64_t population = 3000;           // persons in the registries
  std::string embassy_mode = "async";  // shipping to the data embassy: async or sync
  int64_t polls_s = 7 * 86400;         // the demo election's polls, from the first start
  int ballot_queue = 16;               // ballots the vote service holds at once; more answered busy
  std::function<void()> on_serving;    // called once every role serves and the tour is printed
};

// Runs the whole state in DIR until SIGINT/SIGTERM; the process exit code.
int RunUp(const UpOptions& options);

}  // namespace riik::cli
