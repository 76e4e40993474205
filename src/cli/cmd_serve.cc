// `riik serve --config FILE`: run the roles a TOML file lists (docs/config.md).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_node.h"
#include "core/log.h"
#include "node/config.h"

namespace riik::cli {

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* serve = app.add_subcommand("serve", "Run the roles listed in a TOML config (one host of a larger state)");
  serve->footer(
      "Split the state over processes and hosts: each host runs `riik serve` with its\n"
      "own config naming its roles, listen addresses, TLS files and store URLs\n"
      "(SQLite by default, PostgreSQL with postgresql://…). Format: docs/config.md.\n\n"
      "Example config:\n"
      "  data_dir = \"/var/lib/riik\"\n"
      "  [stores]\n"
      "  node = \"postgresql://riik@127.0.0.1:5432/riik\"\n"
      "  [[role]]\n"
      "  kind = \"status\"\n"
      "  listen = \"127.0.0.1:7000\"");
  serve->add_option("--config", *path, "TOML config file")->required()->check(CLI::ExistingFile);
  serve->callback([path, &exit_code] {
    auto config = node::LoadNodeConfig(*path);
    if (!config.ok()) {
      std::fprintf(stderr, "riik serve: %s\n", config.status().message().c_str());
      exit_code = 2;
      return;
    }
    if (config->log_format || config->log_level) {
      Status st = InitLogging(config->log_format.value_or(LogFormat::kText), config->log_level.value_or("info"));
      if (!st.ok()) {
        std::fprintf(stderr, "riik serve: %s: %s\n", path->c_str(), st.message().c_str());
        exit_code = 2;
        return;
      }
    }
    exit_code = RunNodeUntilSignal(std::move(*config), [](node::Node& node) {
      for (const auto& r : node.roles()) std::printf("%s (%s) %s\n", r.name.c_str(), r.kind.c_str(), r.url.c_str());
      std::fflush(stdout);
    });
  });
}

}  // namespace riik::cli
