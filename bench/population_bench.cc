// population_bench: generates Estonia's population (1.3 million persons by default) with
// everything the registries load, single-threaded, and compares it in alternating rounds
// with its floor in the same run: building the very same records in memory by copying
// them (every string and vector allocated and filled again, no logic).
//
//   population_bench [--count N] [--seed S] [--rounds R] [--out DIR]
//
// With --out it also writes the JSON Lines files in each round and compares that with the
// disk's floor: the same number of bytes into the same number of files, each made durable
// with fsync as the JSON Lines writer does. Prints medians and both ratios.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "population/generator.h"
#include "population/jsonl_files.h"

using namespace riik;
using bench::SecondsSince;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

using bench::Median;

long PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux reports kilobytes
}

// The disk's floor for `files`: a file of the same size for each, written in 1 MiB
// chunks and fsync'd, in `dir`. Returns false with a message on any failure.
bool WriteSameBytes(const std::vector<std::pair<std::string, uint64_t>>& files, const fs::path& dir) {
  std::vector<char> chunk(1 << 20, '{');
  for (const auto& [name, size] : files) {
    fs::path path = dir / name;
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
      std::fprintf(stderr, "population_bench: cannot create %s\n", path.c_str());
      return false;
    }
    for (uint64_t left = size; left > 0;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
      if (std::fwrite(chunk.data(), 1, n, file.get()) != n) {
        std::fprintf(stderr, "population_bench: cannot write %s\n", path.c_str());
        return false;
      }
      left -= n;
    }
    if (std::fflush(file.get()) != 0 || ::fsync(fileno(file.get())) != 0) {
      std::fprintf(stderr, "population_bench: cannot sync %s\n", path.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  population::GenerateOptions options;
  options.count = 1'300'000;
  int rounds = 3;
  std::string out;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "population_bench: %s needs a value\n", argv[i]);
      return 2;
    }
    if (!std::strcmp(argv[i], "--count"))
      options.count = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--rounds"))
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--out"))
      out = argv[i + 1];
    else {
      std::fprintf(stderr, "population_bench: unknown option %s (see the comment at the top of the source)\n", argv[i]);
      return 2;
    }
  }
  std::vector<double> generate_times, copy_times, write_times, floor_times;
  for (int round = 0; round < rounds; ++round) {
    auto start = SteadyClock::now();
    auto pop = population::Generate(options);
    double seconds = SecondsSince(start);
    if (!pop.ok()) {
      std::fprintf(stderr, "population_bench: %s\n", pop.status().ToString().c_str());
      return 1;
    }
    generate_times.push_back(seconds);

    start = SteadyClock::now();
    auto copy = std::make_unique<population::Population>(*pop);
    copy_times.push_back(SecondsSince(start));
    if (copy->persons.size() != pop->persons.size()) return 1;  // keeps the copy observable
    copy.reset();

    std::printf("round %d: generated %lld persons in %.3f s (%.0f persons/s); copying them took %.3f s\n", round + 1,
                static_cast<long long>(options.count), seconds, static_cast<double>(options.count) / seconds,
                copy_times.back());
    if (round + 1 == rounds)
      std::printf(
          "rows: persons %zu, households %zu, residences %zu, companies %zu, employment %zu, accounts %zu, "
          "pupils %zu\n",
          pop->persons.size(), pop->households.size(), pop->residences.size(), pop->companies.size(),
          pop->employments.size(), pop->accounts.size(), pop->pupils.size());
    if (out.empty()) continue;

    fs::path files_dir = fs::path(out) / "jsonl";
    fs::path floor_dir = fs::path(out) / "floor";
    std::error_code ec;
    fs::remove_all(files_dir, ec);
    fs::remove_all(floor_dir, ec);
    fs::create_directories(floor_dir, ec);
    start = SteadyClock::now();
    Status written = population::WritePopulationFiles(*pop, files_dir.string());
    if (!written.ok()) {
      std::fprintf(stderr, "population_bench: %s\n", written.ToString().c_str());
      return 1;
    }
    write_times.push_back(SecondsSince(start));
    std::vector<std::pair<std::string, uint64_t>> files;
    for (const auto& entry : fs::directory_iterator(files_dir))
      if (entry.is_regular_file()) files.emplace_back(entry.path().filename().string(), entry.file_size());
    start = SteadyClock::now();
    if (!WriteSameBytes(files, floor_dir)) return 1;
    floor_times.push_back(SecondsSince(start));
    std::printf("round %d: wrote the JSON Lines files (%.0f MB in %zu files) in %.3f s; the same bytes plain: %.3f s\n",
                round + 1, static_cast<double>(bench::DirBytes(files_dir)) / 1e6, files.size(), write_times.back(),
                floor_times.back());
    fs::remove_all(floor_dir, ec);
  }
  double generate = Median(generate_times), copy = Median(copy_times);
  std::printf("median: generating %.3f s (%.0f persons/s), copying the same records %.3f s; peak RSS %ld MB\n",
              generate, static_cast<double>(options.count) / generate, copy, PeakRssMegabytes());
  std::printf("ratio copy / generate: %.2f (1.0 would be generation at the cost of building its output)\n",
              copy / generate);
  if (!write_times.empty()) {
    double write = Median(write_times), floor = Median(floor_times);
    std::printf("median: JSON Lines files %.3f s, the same bytes plain %.3f s; ratio plain / riik: %.2f\n", write,
                floor, floor / write);
  }
  return 0;
}
