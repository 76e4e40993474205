#include "cli/run_node.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace riik::cli {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockStopSignals() {
  sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int RunNodeUntilSignal(node::NodeConfig config, const std::function<void(node::Node&)>& on_started) {
  auto node = node::Node::Start(std::move(config));
  if (!node.ok()) {
    std::fprintf(stderr, "riik: %s\n", node.status().message().c_str());
    return 1;
  }
  if (on_started) on_started(**node);
  sigset_t set = StopSignals();
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("{} received: stopping (in-flight requests finish first)", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*node)->Stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace riik::cli
