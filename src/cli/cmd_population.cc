// `riik population generate`: the synthetic population of Estonia, summarised or
// written as JSON Lines files (docs/formats/population.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "core/progress.h"
#include "population/citizenship.h"
#include "population/generator.h"
#include "population/geography.h"
#include "population/jsonl_files.h"
#include "population/names.h"

namespace riik::cli {
namespace {

using population::Population;

struct GenerateArgs {
  int64_t count = 1000;
  uint64_t seed = 1;
  std::string as_of;
  std::string out;
};

// A progress callback that draws `label`'s bar on stderr once work begins.
population::ProgressCallback BarFor(const char* label, std::optional<ProgressBar>& bar) {
  return [label, &bar](int64_t done, int64_t total) {
    if (!bar) bar.emplace(label, total);
    bar->Update(done);
  };
}

void PrintSample(const Population& pop, uint32_t index) {
  const population::Person& p = pop.persons[index];
  std::printf("  %.*s  %s %s, born %s, %s, %s, %s\n", 11, p.personal_code.data(),
              std::string(pop.GivenNameOf(index)).c_str(), std::string(pop.SurnameOf(index)).c_str(),
              population::FormatDay(p.birth).c_str(), p.sex == identity::Sex::kMale ? "male" : "female",
              std::string(population::Citizenships()[p.citizenship]).c_str(),
              p.alive() ? "alive" : ("died " + population::FormatDay(p.death)).c_str());
  std::printf("      %s (since %s)\n", population::FullAddress(pop.HomeOf(p)).c_str(),
              population::FormatDay(pop.CurrentResidence(index).from).c_str());
  if (p.spouse != population::kNone) std::printf("      spouse %.*s\n", 11, pop.persons[p.spouse].personal_code.data());
  for (uint32_t child : pop.ChildrenOf(index)) {
    std::printf("      child  %.*s\n", 11, pop.persons[child].personal_code.data());
  }
}

void PrintSummary(const Population& pop) {
  size_t deceased = 0;
  for (const auto& p : pop.persons) deceased += p.alive() ? 0 : 1;
  std::printf("population of seed %llu, as of %s (income year %d)\n", static_cast<unsigned long long>(pop.seed),
              population::FormatDay(pop.reference_date).c_str(), pop.income_year);
  std::printf("  persons      %zu (%zu deceased)\n", pop.persons.size(), deceased);
  std::printf("  households   %zu\n", pop.households.size());
  std::printf("  addresses    %zu residences at %zu dwellings\n", pop.residences.size(), pop.dwellings.size());
  std::printf("  companies    %zu\n", pop.companies.size());
  std::printf("  employment   %zu (with monthly income)\n", pop.employments.size());
  std::printf("  accounts     %zu\n", pop.accounts.size());
  std::printf("  pupils       %zu in %zu schools\n", pop.pupils.size(), pop.schools.size());
  std::printf("sample households:\n");
  for (size_t h = 0; h < pop.households.size() && h < 3; ++h) {
    const population::Household& home = pop.households[h];
    for (uint32_t i = home.first_member; i < home.first_member + home.member_count; ++i) PrintSample(pop, i);
  }
}

int Generate(const GenerateArgs& args) {
  population::GenerateOptions options;
  options.count = args.count;
  options.seed = args.seed;
  if (!args.as_of.empty()) {
    auto day = population::ParseDay(args.as_of);
    if (!day.ok()) {
      std::fprintf(stderr, "riik population generate: --as-of: %s\n", day.status().message().c_str());
      return 2;
    }
    options.reference_date = *day;
  }
  auto start = std::chrono::steady_clock::now();
  std::optional<ProgressBar> generate_bar;
  auto generated = population::Generate(options, BarFor("generate", generate_bar));
  if (generate_bar) generate_bar->Finish();
  if (!generated.ok()) {
    std::fprintf(stderr, "riik population generate: %s\n", generated.status().message().c_str());
    return generated.status().code() == Code::kInvalidArgument ? 2 : 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "generated %zu persons in %.2f s\n", generated->persons.size(), seconds);
  if (args.out.empty()) {
    PrintSummary(*generated);
    return 0;
  }
  std::optional<ProgressBar> write_bar;
  Status written = population::WritePopulationFiles(*generated, args.out, BarFor("write", write_bar));
  if (write_bar) write_bar->Finish();
  if (!written.ok()) {
    std::fprintf(stderr, "riik population generate: %s\n", written.message().c_str());
    return 1;
  }
  std::printf("wrote %zu persons to %s/\n", generated->persons.size(), args.out.c_str());
  return 0;
}

}  // namespace

void AddPopulationCommand(CLI::App& app, int& exit_code) {
  CLI::App* population = app.add_subcommand("population", "The synthetic population the registries are loaded from");
  population->require_subcommand(1);
  population->footer(
      "The same seed always gives the same people, companies, accounts and pupils; the\n"
      "registries are loaded from it (`riik registry load`, and `riik up` on first start).\n"
      "Formats: docs/formats/population.md.\n"
      "Examples:\n"
      "  riik population generate --count 20 --seed 7\n"
      "  riik population generate --help");
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = population->add_subcommand("generate", "Generate a deterministic synthetic population of Estonia");
  cmd->add_option("--count", args->count, "Persons, the deceased included (Estonia: 1300000)")
      ->check(CLI::Range(int64_t{1}, population::kMaxCount))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "The same seed gives the same population")->capture_default_str();
  cmd->add_option("--as-of", args->as_of,
                  "Reference date YYYY-MM-DD for ages and the income year (default 2025-01-01)");
  cmd->add_option("--out", args->out, "Write JSON Lines files into this directory; without it, print a summary");
  cmd->footer(
      "Persons in households (couples, children, single parents, the elderly, a few deceased)\n"
      "with valid personal codes, names, citizenship and addresses with history; companies\n"
      "with registry codes, boards and employees' monthly wages; accounts at the demo bank\n"
      "with interest; pupils in schools of their county. Files: docs/formats/population.md.\n"
      "Examples:\n"
      "  riik population generate --count 20 --seed 7\n"
      "  riik population generate --count 1300000 --seed 1 --out population/");
  cmd->callback([args, &exit_code] { exit_code = Generate(*args); });
}

}  // namespace riik::cli
