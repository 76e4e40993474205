// population_bench: generates Estonia's population (1.3 million persons by default) with
// everything the registries load, single-threaded, and prints the time, persons per
// second, the rows of each table and the peak resident memory.
//
//   population_bench [--count N] [--seed S] [--rounds R] [--out DIR]
//
// With --out it also times writing the JSON Lines files.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "population/generator.h"
#include "population/jsonl_files.h"

using namespace riik;
using SteadyClock = std::chrono::steady_clock;

namespace {

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

long PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux reports kilobytes
}

}  // namespace

int main(int argc, char** argv) {
  population::GenerateOptions options;
  options.count = 1'300'000;
  int rounds = 3;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--count"))
      options.count = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--rounds"))
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--out"))
      out = argv[i + 1];
  }
  std::vector<double> times;
  for (int round = 0; round < rounds; ++round) {
    auto start = SteadyClock::now();
    auto pop = population::Generate(options);
    double seconds = SecondsSince(start);
    if (!pop.ok()) {
      std::fprintf(stderr, "population_bench: %s\n", pop.status().ToString().c_str());
      return 1;
    }
    times.push_back(seconds);
    std::printf("round %d: %lld persons in %.3f s (%.0f persons/s)\n", round + 1, static_cast<long long>(options.count),
                seconds, static_cast<double>(options.count) / seconds);
    if (round + 1 < rounds) continue;
    std::printf(
        "rows: persons %zu, households %zu, residences %zu, companies %zu, employment %zu, accounts %zu, "
        "pupils %zu\n",
        pop->persons.size(), pop->households.size(), pop->residences.size(), pop->companies.size(),
        pop->employments.size(), pop->accounts.size(), pop->pupils.size());
    if (!out.empty()) {
      start = SteadyClock::now();
      Status written = population::WritePopulationFiles(*pop, out);
      if (!written.ok()) {
        std::fprintf(stderr, "population_bench: %s\n", written.ToString().c_str());
        return 1;
      }
      std::printf("wrote the JSON Lines files to %s in %.3f s\n", out.c_str(), SecondsSince(start));
    }
  }
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  std::printf("median: %.3f s, %.0f persons/s; peak RSS %ld MB\n", median, static_cast<double>(options.count) / median,
              PeakRssMegabytes());
  return 0;
}
