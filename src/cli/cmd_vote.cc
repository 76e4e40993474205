// `riik vote verify RECORD`: the independent verifier of an election record. It trusts
// nothing but the state's root certificate: it recomputes the election key from the
// ceremony, every ballot's proofs, the counting rules over the board, the board against
// every signed head, and every trustee's decryption, and prints the result it proves.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/terminal.h"
#include "core/progress.h"
#include "crypto/x509.h"
#include "election/record.h"
#include "sign/trust_anchors.h"
#include "vote/annex.h"
#include "vote/pseudonym.h"

namespace riik::cli {
namespace {

// The entries in board.jsonl (its lines), for the progress bar.
int64_t CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  int64_t lines = 0;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) lines += std::count(buf, buf + in.gcount(), '\n');
  return lines;
}

void PrintResult(const election::RecordReport& r) {
  const auto& c = r.count;
  std::printf("election %s (%s): the record verifies\n", r.manifest.id.c_str(), ForTerminal(r.manifest.title).c_str());
  std::printf("  board: %llu entries, every one under the signed heads; signed by %s\n",
              static_cast<unsigned long long>(c.entries), ForTerminal(r.board_signer).c_str());
  if (r.manifest.board_timestamped_within > 0) {
    std::printf(
        "  timestamps: every entry under a head the TSA timestamped within %lld s of it (%llu tokens checked)\n",
        static_cast<long long>(r.manifest.board_timestamped_within / 1'000'000),
        static_cast<unsigned long long>(r.timestamps));
  } else {
    std::printf(
        "  timestamps: %llu tokens checked; the manifest asks for none, so the board's history rests on its key "
        "alone\n",
        static_cast<unsigned long long>(r.timestamps));
  }
  std::printf(
      "  ballots: %llu cast, %llu superseded by a later i-vote, i-votes of %llu voter(s) cancelled by a paper "
      "vote, %llu refused; %llu of %llu listed voters counted\n",
      static_cast<unsigned long long>(c.ballots), static_cast<unsigned long long>(c.superseded),
      static_cast<unsigned long long>(c.cancelled), static_cast<unsigned long long>(c.refused),
      static_cast<unsigned long long>(c.counted), static_cast<unsigned long long>(r.voters));
  std::printf("  key: %u trustees, any %u of them decrypt; every decryption proven\n\n", r.manifest.trustees,
              r.manifest.threshold);
  for (size_t i = 0; i < r.tally.contests.size(); ++i) {
    const auto& result = r.tally.contests[i];
    const auto& contest = r.manifest.contests[i];
    std::printf("%s (%s): %llu ballots\n", contest.id.c_str(), ForTerminal(contest.title).c_str(),
                static_cast<unsigned long long>(result.ballots));
    uint64_t most = 1;
    for (const auto& o : result.options) most = std::max(most, o.count);
    for (size_t k = 0; k < result.options.size(); ++k) {
      const auto& option = contest.options[k];
      std::string name =
          ForTerminal(option.name) + (option.party.empty() ? "" : " (" + ForTerminal(option.party) + ")");
      const int width = static_cast<int>(30 * result.options[k].count / most);
      std::string bar;
      for (int w = 0; w < width; ++w) bar += "\u2588";
      std::printf("  %-8s %-40s %8llu  %s\n", option.id.c_str(), name.c_str(),
                  static_cast<unsigned long long>(result.options[k].count), bar.c_str());
    }
    std::printf("\n");
  }
}

struct RecordCheckArgs {
  std::string dir, root;
  std::string annex, pseudonym_key;  // the auditors' check
};

Status VerifyRecordFiles(const RecordCheckArgs& a) {
  if (a.annex.empty() != a.pseudonym_key.empty()) {
    return InvalidArgument("the annex is checked with the election's pseudonym key: give --annex and --pseudonym-key");
  }
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(a.root));
  ProgressBar bar("checking the board", CountLines(a.dir + "/board.jsonl"));
  auto report =
      election::VerifyRecord(a.dir, root.get(), [&](uint64_t done) { bar.Update(static_cast<int64_t>(done)); });
  bar.Finish();
  if (!report.ok()) return report.status();
  if (!a.annex.empty()) {
    ASSIGN_OR_RETURN(std::string secret, vote::ReadPseudonymSecret(a.pseudonym_key));
    sign::VerifyOptions verify;
    verify.trust = sign::TrustAnchors::FromRoots({root.get()});
    ASSIGN_OR_RETURN(vote::AnnexReport annex, vote::VerifyAnnex(a.dir, report->board_root, a.annex, secret, verify));
    PrintResult(*report);
    std::printf(
        "annex: every one of the board's %lld ballots is signed by the voter it names, shortly before the "
        "board took it; each of its %lld paper votes by a polling station's signed statement about that voter\n",
        static_cast<long long>(annex.ballots), static_cast<long long>(annex.paper_votes));
    for (const auto& [official, count] : annex.officials) {
      std::printf("  paper votes attested by %s: %lld\n", official.c_str(), static_cast<long long>(count));
    }
    if (annex.paper_votes > 0) {
      std::printf(
          annex.officials_listed
              ? "  each statement signed with a certificate the manifest lists as a polling station official's\n"
              : "  the manifest lists no officials: match these names against the polling stations' officials\n");
    }
    return OkStatus();
  }
  PrintResult(*report);
  return OkStatus();
}

}  // namespace

void AddVoteCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("vote", "i-Voting: the trustees' key ceremony and tally; check a record yourself");
  cmd->require_subcommand(1);
  cmd->footer(
      "An election record holds the manifest, the key ceremony's commitments, the voter\n"
      "list (pseudonymous), every entry of the bulletin board with the heads the vote\n"
      "server signed as it grew, and the tally with every trustee's decryption and its\n"
      "proof. `riik vote verify` recomputes all of it from the files and trusts nothing but\n"
      "the state root certificate: a wrong count, a dropped ballot, a ballot that breaks the\n"
      "rules or a trustee's wrong decryption is reported with what does not hold.\n"
      "Format, for writing your own verifier: docs/formats/election-record.md.\n"
      "Trustees: `riik vote ceremony` makes the election key without it ever existing in one\n"
      "place; `riik vote decrypt` and `riik vote tally` turn the board's sums into the result.\n"
      "Examples:\n"
      "  riik vote verify election-record/ --ca riik-data/trust/root.pem\n"
      "  riik vote decrypt election-record/ --trustee 2 --key-share private/key-share-2.json --ca root.pem --out "
      "part-2.json\n"
      "  riik vote tally election-record/ --ca root.pem --part part-1.json --part part-2.json --part part-4.json");
  auto args = std::make_shared<RecordCheckArgs>();
  CLI::App* v = cmd->add_subcommand("verify", "Verify an election record and print the result it proves");
  v->add_option("record", args->dir, "The record's directory")->required();
  v->add_option("--ca", args->root, "The state root certificate (PEM) the board's signer chains to")->required();
  v->add_option("--annex", args->annex,
                "The auditors' annex (riik vote export --annex): check every ballot's signed container too");
  v->add_option("--pseudonym-key", args->pseudonym_key,
                "With --annex: the election's pseudonym secret (the vote role's pseudonym.key)");
  v->callback([=, &exit_code] {
    if (Status st = VerifyRecordFiles(*args); !st.ok()) exit_code = Fail("vote", "verify", st);
  });
  AddVoteCeremonyCommands(cmd, exit_code);
  AddVoteVoterCommands(cmd, exit_code);
  AddVoteOperatorCommands(cmd, exit_code);
}

}  // namespace riik::cli
