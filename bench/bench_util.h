// Small helpers the benchmarks share: elapsed time and bytes on disk.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace riik::bench {

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

}  // namespace riik::bench
