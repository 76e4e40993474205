// `riik registry load`: the synthetic population generated once and loaded into every
// registry's store at once, one thread per registry, with a progress bar.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "core/progress.h"
#include "node/node.h"
#include "population/generator.h"
#include "registry/load.h"
#include "registry/registers.h"

namespace riik::cli {
namespace {

struct LoadArgs {
  std::string dir = "riik-data";
  int64_t count = 3000;
  uint64_t seed = 1;
  bool demo_people = false;
  std::vector<std::string> only;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Job {
  const registry::RegistryInfo* info;
  std::unique_ptr<store::Store> store;
  int64_t rows = 0;
  std::atomic<int64_t> done{0};
  Status status;
};

int Load(const LoadArgs& args) {
  std::vector<std::unique_ptr<Job>> jobs;
  for (const registry::RegistryInfo& info : registry::Registries()) {
    if (!args.only.empty() && std::find(args.only.begin(), args.only.end(), info.name) == args.only.end()) continue;
    auto job = std::make_unique<Job>();
    job->info = &info;
    jobs.push_back(std::move(job));
  }
  for (const std::string& name : args.only) {
    if (auto found = registry::FindRegistry(name); !found.ok()) {
      std::fprintf(stderr, "riik registry load: %s\n", found.status().message().c_str());
      return 2;
    }
  }
  // The stores `riik up` gives its registry roles (registry-NAME).
  for (auto& job : jobs) {
    std::string store_name = node::RoleStoreName(std::string("registry-") + job->info->name);
    std::error_code ec;
    std::filesystem::create_directories(
        std::filesystem::path(node::DefaultStorePath(args.dir, store_name)).parent_path(), ec);
    auto store = store::Store::Open({node::DefaultStoreUrl(args.dir, store_name), store_name});
    if (!store.ok()) {
      std::fprintf(stderr, "riik registry load: %s\n", store.status().message().c_str());
      return 1;
    }
    job->store = std::move(*store);
    auto before = registry::LoadedFrom(*job->store);
    if (!before.ok() || *before) {
      std::fprintf(
          stderr, "riik registry load: %s: %s\n", store_name.c_str(),
          before.ok() ? "loaded already; remove its directory to load it anew" : before.status().message().c_str());
      return 1;
    }
  }

  auto start = std::chrono::steady_clock::now();
  registry::LoadOptions options{args.count, args.seed, args.demo_people};
  auto pop = registry::GenerateFor(options);
  if (!pop.ok()) {
    std::fprintf(stderr, "riik registry load: %s\n", pop.status().message().c_str());
    return pop.status().code() == Code::kInvalidArgument ? 2 : 1;
  }
  double generated_s = SecondsSince(start);
  int64_t total = 0;
  for (auto& job : jobs) total += job->rows = registry::RegisterOf(job->info->kind).row_count(*pop);
  std::fprintf(stderr, "generated %zu persons in %.2f s; loading %lld rows into %zu registries\n", pop->persons.size(),
               generated_s, static_cast<long long>(total), jobs.size());

  auto load_start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& job : jobs) {
    threads.emplace_back([&, j = job.get()] {
      j->status = registry::LoadRegistry(j->info->kind, *j->store, *pop, options,
                                         [j](int64_t done, int64_t) { j->done = done; });
    });
  }
  {
    ProgressBar bar("load", total);
    for (bool running = true; running;) {
      running = false;
      int64_t done = 0;
      for (auto& job : jobs) done += job->done;
      bar.Update(done);
      for (auto& job : jobs) running = running || job->done < job->rows;
      if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      bool any_failed = false;
      for (auto& job : jobs) any_failed = any_failed || (!job->status.ok());
      if (any_failed) break;
    }
    for (auto& t : threads) t.join();
  }
  double load_s = SecondsSince(load_start);
  int failed = 0;
  for (auto& job : jobs) {
    if (!job->status.ok()) {
      std::fprintf(stderr, "riik registry load: %s: %s\n", job->info->name, job->status.message().c_str());
      ++failed;
      continue;
    }
    std::printf("%-10s %9lld rows  journal head %lld\n", job->info->name, static_cast<long long>(job->rows),
                static_cast<long long>(job->store->Head().seq));
  }
  if (failed) return 1;
  std::printf("loaded %zu persons into %zu registries: %lld rows in %.2f s (%.0f rows/s), %.2f s with generating\n",
              pop->persons.size(), jobs.size(), static_cast<long long>(total), load_s, total / std::max(load_s, 1e-9),
              SecondsSince(start));
  return 0;
}

}  // namespace

void AddRegistryCommand(CLI::App& app, int& exit_code) {
  CLI::App* reg =
      app.add_subcommand("registry", "The base registries' stores (population, business, tax, bank, education)");
  reg->require_subcommand(1);
  reg->footer(
      "The registries run as roles of `riik up` and `riik serve`, each in its own store\n"
      "(DIR/registry_NAME/); this command fills those stores without running them, e.g. to\n"
      "load all 1.3 million citizens before a benchmark. Services: docs/registries.md.\n"
      "Examples:\n"
      "  riik registry load --dir /tmp/state --count 10000\n"
      "  riik registry load --help");
  auto args = std::make_shared<LoadArgs>();
  CLI::App* cmd = reg->add_subcommand("load", "Generate the synthetic population once and load it into every registry");
  cmd->add_option("--dir", args->dir, "Data directory: the stores are DIR/registry_NAME/ as `riik up` runs them")
      ->capture_default_str();
  cmd->add_option("--count", args->count, "Persons (Estonia: 1300000)")
      ->check(CLI::Range(int64_t{1}, population::kMaxCount))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "The population's seed")->capture_default_str();
  cmd->add_flag("--demo-people", args->demo_people, "Include `riik up`'s demo citizens");
  cmd->add_option("--only", args->only, "Load only these registries (repeatable)");
  cmd->footer(
      "Each registry gets its own part of one population, consistent across them: the\n"
      "population register persons and addresses, the business register companies and\n"
      "their people, the tax board employer-reported income, the bank accounts and\n"
      "interest, the education register schools and pupils. Every row goes through the\n"
      "store's journal. A store loads once; a running `riik up` loads its own on first start.\n"
      "Examples:\n"
      "  riik registry load --dir /tmp/state --count 1300000\n"
      "  riik registry load --dir /tmp/state --count 10000 --only population --only tax");
  cmd->callback([args, &exit_code] { exit_code = Load(*args); });
}

}  // namespace riik::cli
