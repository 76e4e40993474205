// A fixed pool of threads for blocking work (disk, database) that must stay off the
// network threads. Tasks run in submission order per worker; Stop() drains the queue.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace riik {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();  // Stop()
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(std::function<void()> task);
  // Runs every queued task, then joins the threads. Idempotent.
  void Stop();

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace riik
