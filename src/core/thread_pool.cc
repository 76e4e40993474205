#include "core/thread_pool.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace riik {

ThreadPool::ThreadPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() { Stop(); }

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ThreadPool::Work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    // A task that throws (a bug, or a library's exception on bad input) must not take
    // the process down: it is logged, and its request is answered 500 by its Responder.
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("a worker's task failed: {}", e.what());
    } catch (...) {
      spdlog::error("a worker's task failed with an unknown exception");
    }
  }
}

}  // namespace riik
