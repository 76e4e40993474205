// Runs a Node in the foreground until SIGINT or SIGTERM, then stops it cleanly.
#pragma once

#include <functional>

#include "node/node.h"

namespace riik::cli {

// Blocks SIGINT/SIGTERM in the calling thread and every thread started after it, so
// that the main thread can wait for them. Call first thing in main().
void BlockStopSignals();

// Starts the node, calls `on_started` (e.g. to print a tour), waits for a stop signal,
// stops the node. Returns the process exit code.
int RunNodeUntilSignal(node::NodeConfig config, const std::function<void(node::Node&)>& on_started);

}  // namespace riik::cli
