// The subcommands of the `riik` binary. Each Add*Command registers one subcommand
// (with its --help) and sets `exit_code` when it runs.
#pragma once

namespace CLI {
class App;
}

namespace riik::cli {

void AddUpCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddJournalCommand(CLI::App& app, int& exit_code);
void AddCaCommand(CLI::App& app, int& exit_code);
void AddIdCommand(CLI::App& app, int& exit_code);
void AddCentralCommand(CLI::App& app, int& exit_code);
void AddPopulationCommand(CLI::App& app, int& exit_code);
void AddExchangeCommand(CLI::App& app, int& exit_code);
void AddRegistryCommand(CLI::App& app, int& exit_code);
void AddTrackerCommand(CLI::App& app, int& exit_code);
void AddEmbassyCommand(CLI::App& app, int& exit_code);
// `riik vote verify`: the election record's independent verifier.
void AddVoteCommand(CLI::App& app, int& exit_code);
// `riik vote ceremony …`, `riik vote decrypt`, `riik vote tally` under `riik vote`.
void AddVoteCeremonyCommands(CLI::App* vote, int& exit_code);
// `riik vote encrypt` and `riik vote check`: the voter's side.
void AddVoteVoterCommands(CLI::App* vote, int& exit_code);
// `riik vote paper`, `riik vote close`, `riik vote export`: the electoral office's operator.
void AddVoteOperatorCommands(CLI::App* vote, int& exit_code);
// `riik id webeid` and `riik id approve` under `riik id`.
void AddIdSignInCommands(CLI::App* id, int& exit_code);
// `riik sign` and `riik verify`.
void AddSignCommands(CLI::App& app, int& exit_code);

}  // namespace riik::cli
