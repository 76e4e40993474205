// Small helpers the benchmarks share: elapsed time and bytes on disk.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace riik::bench {

// Ends the benchmark, saying what failed, after the program's name.
[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

// The value, or Die with `what` and why not.
template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().message());
  return std::move(*r);
}

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Every regular file below `dir`, in bytes.
inline uint64_t DirBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    total += e.is_regular_file() ? e.file_size() : 0;
  return total;
}

// The median of `v` (the upper one of an even count); 0 for none.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// `threads` threads call `op()` until `seconds` pass: operations per second, or -1 if one
// of them failed.
inline double Rate(int threads, double seconds, const std::function<bool()>& op) {
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (std::chrono::steady_clock::now() < end) {
        if (!op()) failed = true;
        ++done;
      }
    });
  }
  for (auto& w : workers) w.join();
  return failed ? -1 : static_cast<double>(done) / SecondsSince(start);
}

}  // namespace riik::bench
