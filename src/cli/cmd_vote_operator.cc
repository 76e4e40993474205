// `riik vote paper`, `riik vote close` and `riik vote export`: the electoral office's
// operator at the running vote service (its admin routes, with the token in the role's
// directory), and the record's export from the service's store, read-only while it serves.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "core/progress.h"
#include "election/record.h"
#include "identity/personal_code.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "transparency/stored_log.h"
#include "vote/election_setup.h"
#include "vote/paper_vote.h"
#include "vote/record_export.h"
#include "vote/voter_store.h"

namespace riik::cli {
namespace {

struct OperatorArgs {
  std::string dir = "riik-data";  // riik up's directory
  std::string url;                // the vote role (default: endpoints.json)
  std::string code;               // paper: the voter
  std::string statement;          // paper: the polling station's signed statement (ASiC-E)
  std::string write_statement;    // paper: where to write paper-vote.json for the official to sign
  std::string out;                // export: the record's directory
  std::string election;           // export: the election's set-up (default DIR/election)
  std::string annex;              // export: the auditors' annex file, if wanted
};

AdminClient VoteAdmin(const OperatorArgs& a) {
  return AdminClient(a.url.empty() ? RoleUrl(a.dir, "vote") : a.url,
                     node::AdminTokenPath(a.dir + "/" + node::RoleStoreName("vote")), a.dir + "/trust/root.pem");
}

Status Paper(const OperatorArgs& a) {
  if (!a.write_statement.empty()) {
    // riik sign names the file in the container after the one it signs.
    if (std::filesystem::path(a.write_statement).filename() != vote::kPaperVoteFileName) {
      return InvalidArgument("--write-statement must name a file called " + std::string(vote::kPaperVoteFileName) +
                             " (in a directory of its own per voter): the container names the file it holds");
    }
    // The statement's text, for the polling station's official to sign (riik sign).
    ASSIGN_OR_RETURN(vote::ElectionSetup setup,
                     vote::ReadElectionSetup(a.election.empty() ? a.dir + "/election" : a.election, false));
    if (!identity::PersonalCode::Parse(a.code).ok()) return InvalidArgument("--code is not a valid personal code");
    if (const auto parent = std::filesystem::path(a.write_statement).parent_path(); !parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
    }
    RETURN_IF_ERROR(WriteFileAtomic(a.write_statement, vote::PaperVoteJson(setup.manifest.hash, a.code), false));
    std::printf(
        "%s: the statement that %s voted on paper. The polling station's official signs it with their eID,\n"
        "  riik sign --token OFFICIAL --in %s --out statement.asice\n"
        "and the operator enters it: riik vote paper --code %s --statement statement.asice\n",
        a.write_statement.c_str(), a.code.c_str(), a.write_statement.c_str(), a.code.c_str());
    return OkStatus();
  }
  if (a.statement.empty()) {
    return InvalidArgument(
        "give --statement, the polling station's signed statement (make its text with "
        "--write-statement)");
  }
  // Sent base64 in a JSON body, which the server takes up to 1 MiB.
  ASSIGN_OR_RETURN(std::string statement, ReadInputFile(a.statement, 512 * 1024));
  AdminClient admin = VoteAdmin(a);
  if (!admin.configured()) return FailedPrecondition("no vote role in " + a.dir + "/endpoints.json: give --url");
  ASSIGN_OR_RETURN(Json answer,
                   admin.Call("/admin/paper", Json{{"code", a.code}, {"statement", Base64Encode(statement)}}));
  std::printf("the i-votes of %s are cancelled: the paper vote counts (its statement is kept for the auditors)\n",
              a.code.c_str());
  return OkStatus();
}

Status Close(const OperatorArgs& a) {
  AdminClient admin = VoteAdmin(a);
  if (!admin.configured()) return FailedPrecondition("no vote role in " + a.dir + "/endpoints.json: give --url");
  ASSIGN_OR_RETURN(Json answer, admin.Call("/admin/close", Json::object()));
  std::printf("the board is closed with %lld entries: export the record (riik vote export) for the trustees\n",
              static_cast<long long>(IntOr(answer, "entries")));
  return OkStatus();
}

Status Publish(const OperatorArgs& a) {
  AdminClient admin = VoteAdmin(a);
  if (!admin.configured()) return FailedPrecondition("no vote role in " + a.dir + "/endpoints.json: give --url");
  ASSIGN_OR_RETURN(std::string tally, ReadFile(a.out + "/tally.json"));
  ASSIGN_OR_RETURN(Json answer, admin.Call("/admin/result", Json{{"tally", tally}}));
  std::printf(
      "published: the vote service verified the record (%lld board entries, %lld voters counted) and serves "
      "it at /record/ and in the portal\n",
      static_cast<long long>(IntOr(answer, "entries")), static_cast<long long>(IntOr(answer, "counted")));
  return OkStatus();
}

Status Export(const OperatorArgs& a) {
  ASSIGN_OR_RETURN(vote::ElectionSetup setup,
                   vote::ReadElectionSetup(a.election.empty() ? a.dir + "/election" : a.election, false));
  store::StoreOptions so{node::DefaultStoreUrl(a.dir, node::RoleStoreName("vote")), node::RoleStoreName("vote")};
  so.read_only = true;
  ASSIGN_OR_RETURN(auto store, store::Store::Open(so));
  ASSIGN_OR_RETURN(std::optional<election::VoterList> voters, vote::LoadVoterList(*store, setup.manifest));
  if (!voters) return FailedPrecondition("the vote service's store holds no voter list: has it started?");
  setup.voters = std::move(*voters);
  ASSIGN_OR_RETURN(int64_t entries, transparency::StoredLogSize(*store, election::BoardLogId(setup.manifest)));
  // Right after the closing, the TSA's timestamp of the board's last head may be a second
  // away: the export waits for it, up to half a minute.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Result<vote::ExportedBoard> exported = Unavailable("not exported yet");
  // Each try reads the whole board again, with a bar of its own: the waits between tries
  // double (0.5 s, 1 s, 2 s, …), so a late TSA shows a few bars, not one every half second.
  auto pause = std::chrono::milliseconds(500);
  for (bool told = false;;) {
    ProgressBar bar(told ? "exporting the board again" : "exporting the board", entries);
    exported = vote::ExportRecord(*store, setup, a.out, [&](int64_t n) { bar.Update(n); });
    bar.Finish();
    if (exported.ok() || exported.status().code() != Code::kUnavailable || std::chrono::steady_clock::now() > give_up) {
      break;
    }
    if (!told) std::fprintf(stderr, "waiting for the TSA's timestamp of the board's last head…\n");
    told = true;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(8000));
  }
  if (!exported.ok()) return exported.status();
  if (!a.annex.empty()) {
    ASSIGN_OR_RETURN(vote::AnnexCounts annex, vote::ExportAnnex(*store, setup, a.annex));
    std::printf(
        "%s: the auditors' annex, 0600 (it names the voters): the signed containers of %lld ballots and the "
        "statements of %lld paper votes\n",
        a.annex.c_str(), static_cast<long long>(annex.ballots), static_cast<long long>(annex.paper_votes));
  }
  std::printf(
      "%s: the election record without its tally: %lld board entries, %lld signed heads.\n"
      "The trustees decrypt it (riik vote decrypt %s …) and combine the parts (riik vote tally).\n",
      a.out.c_str(), static_cast<long long>(exported->entries), static_cast<long long>(exported->heads), a.out.c_str());
  return OkStatus();
}

}  // namespace

void AddVoteOperatorCommands(CLI::App* vote, int& exit_code) {
  auto a = std::make_shared<OperatorArgs>();
  auto common = [a](CLI::App* cmd) {
    cmd->add_option("--dir", a->dir, "riik up's directory (the vote role's admin token, endpoints.json)")
        ->capture_default_str();
    cmd->add_option("--url", a->url, "The vote role's URL (default: from endpoints.json)");
  };
  CLI::App* paper = vote->add_subcommand("paper", "A paper vote: cancel the voter's i-votes (the operator)");
  common(paper);
  paper->add_option("--code", a->code, "The voter's personal code")->required();
  paper->add_option("--statement", a->statement,
                    "The polling station's statement of the paper vote, signed by an official (ASiC-E)");
  paper->add_option("--write-statement", a->write_statement,
                    "Write the statement's text (paper-vote.json) for the official to sign, and stop");
  paper->add_option("--election", a->election, "The election's set-up (default DIR/election), for --write-statement");
  paper->footer(
      "A paper vote cancels the voter's i-votes; the board names the statement's hash and the\n"
      "box keeps the statement for the auditors' annex. Example:\n"
      "  riik vote paper --code 36107212142 --write-statement 36107212142/paper-vote.json\n"
      "  RIIK_PIN2=01497 riik sign --token riik-data/citizens/38001085718 --in 36107212142/paper-vote.json \\\n"
      "      --out statement.asice\n"
      "  riik vote paper --code 36107212142 --statement statement.asice");
  paper->callback([a, &exit_code] {
    if (Status st = Paper(*a); !st.ok()) exit_code = Fail("vote", "paper", st);
  });
  CLI::App* close = vote->add_subcommand("close", "Close the board once the polls have closed (the operator)");
  common(close);
  close->callback([a, &exit_code] {
    if (Status st = Close(*a); !st.ok()) exit_code = Fail("vote", "close", st);
  });
  CLI::App* pub = vote->add_subcommand("publish", "Publish the trustees' tally: verified against the board first");
  common(pub);
  pub->add_option("--record", a->out, "The record's directory, with the trustees' tally.json")->required();
  pub->callback([a, &exit_code] {
    if (Status st = Publish(*a); !st.ok()) exit_code = Fail("vote", "publish", st);
  });
  CLI::App* exp = vote->add_subcommand("export", "Write the election record from the closed board (the operator)");
  exp->add_option("--dir", a->dir, "riik up's directory (the vote role's store)")->capture_default_str();
  exp->add_option("--election", a->election, "The election's set-up (default DIR/election)");
  exp->add_option("--out", a->out, "The record's directory")->required();
  exp->add_option("--annex", a->annex,
                  "Also write the auditors' annex here: every ballot's signed container (0600; it names the voters)");
  exp->callback([a, &exit_code] {
    if (Status st = Export(*a); !st.ok()) exit_code = Fail("vote", "export", st);
  });
}

}  // namespace riik::cli
