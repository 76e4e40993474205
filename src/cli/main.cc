// riik: one binary for every role of the digital state.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/allocator.h"
#include "cli/commands.h"
#include "cli/run_node.h"
#include "core/log.h"
#include "core/version.h"

int main(int argc, char** argv) {
  riik::cli::BlockStopSignals();
  CLI::App app("riik: run a digital state (eID, registries, data exchange, data embassy) from one binary.", "riik");
  app.footer(
      "Start here:\n"
      "  riik up                      the whole state on this machine, on loopback\n"
      "  riik serve --config FILE     some roles, as one host of a larger deployment\n"
      "  riik journal verify --dir riik-data --node node\n\n"
      "Run `riik COMMAND --help` for the details of each command. Docs: docs/ in the source tree.");
  app.set_version_flag("--version", std::string("riik ") + riik::kVersion + " (" + riik::cli::AllocatorName() + ")");
  app.require_subcommand(1);
  std::string log_format = "text", log_level = "info";
  app.add_option("--log-format", log_format, "Log lines as 'text' (for people) or 'json' (for machines)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  app.parse_complete_callback([&] {
    auto format = riik::ParseLogFormat(log_format);
    riik::Status st = format.ok() ? riik::InitLogging(*format, log_level) : format.status();
    if (!st.ok()) std::fprintf(stderr, "riik: %s\n", st.message().c_str());
  });

  int exit_code = 0;
  riik::cli::AddUpCommand(app, exit_code);
  riik::cli::AddServeCommand(app, exit_code);
  riik::cli::AddJournalCommand(app, exit_code);
  riik::cli::AddCaCommand(app, exit_code);
  riik::cli::AddIdCommand(app, exit_code);
  riik::cli::AddCentralCommand(app, exit_code);
  riik::cli::AddPopulationCommand(app, exit_code);
  riik::cli::AddExchangeCommand(app, exit_code);
  riik::cli::AddRegistryCommand(app, exit_code);
  riik::cli::AddTrackerCommand(app, exit_code);
  riik::cli::AddVoteCommand(app, exit_code);
  riik::cli::AddEmbassyCommand(app, exit_code);
  riik::cli::AddSignCommands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
