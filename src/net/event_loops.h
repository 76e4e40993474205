// EventLoops: a process's network threads, one event loop each, shared by the servers
// (and their asynchronous clients) that are given it, instead of each server running
// threads of its own. A node runs one per core for all its listeners.
#pragma once

#include <memory>

#include "net/client.h"

namespace riik::net {

class EventLoops {
 public:
  // Starts `threads` loops (at least one), each on a thread of its own.
  static std::shared_ptr<EventLoops> Start(int threads);
  ~EventLoops();  // Stop()
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  size_t size() const;
  EventLoop* loop(size_t i) const;

  // Stops the loops and joins their threads; what is still queued on them never runs
  // and goes when the loops do. Every server on them must have stopped first.
  // Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit EventLoops(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace riik::net
