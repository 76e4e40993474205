// `riik journal verify|show|digest`: inspect and check a store's hash-chained journal.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/encoding.h"
#include "core/progress.h"
#include "node/node.h"
#include "store/store.h"

namespace riik::cli {
namespace {

struct StoreSelect {
  std::string dir = "riik-data";
  std::string node;
  std::string url;  // overrides dir/node's default SQLite file
};

void AddSelectOptions(CLI::App* cmd, StoreSelect& s) {
  cmd->add_option("--dir", s.dir, "Data directory (as given to riik up)")->capture_default_str();
  cmd->add_option("--node", s.node, "Store (journal) name, e.g. node")->required();
  cmd->add_option("--store", s.url, "Store URL instead of DIR/NODE/store.db (sqlite:PATH or postgresql://…)");
}

Result<std::unique_ptr<store::Store>> OpenSelected(const StoreSelect& s) {
  std::string url = s.url;
  if (url.empty()) {
    std::string path = node::DefaultStorePath(s.dir, s.node);
    if (!std::filesystem::exists(path)) {
      return NotFound("no store '" + s.node + "' under " + s.dir + " (looked for " + path + ")");
    }
    url = "sqlite:" + path;
  }
  store::StoreOptions options{url, s.node};
  options.read_only = true;  // inspect a store while its owner serves it
  return store::Store::Open(options);
}

int Verify(const StoreSelect& s, bool no_replay) {
  auto st = OpenSelected(s);
  if (!st.ok()) {
    std::fprintf(stderr, "riik journal verify: %s\n", st.status().message().c_str());
    return 2;
  }
  store::Store& store = **st;
  ProgressBar bar("verify", store.Head().seq);  // read-only: the head as opened
  auto report = store.VerifyJournal(!no_replay, [&](int64_t done, int64_t) { bar.Update(done); });
  bar.Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "riik journal verify: %s\n", report.status().message().c_str());
    return 2;
  }
  if (!report->status.ok()) {
    if (report->first_bad) {
      std::printf("journal %s: BROKEN at seq %lld: %s\n", s.node.c_str(), static_cast<long long>(*report->first_bad),
                  report->status.message().c_str());
    } else {
      std::printf("journal %s: chain of %lld entries intact, but %s\n", s.node.c_str(),
                  static_cast<long long>(report->entries), report->status.message().c_str());
    }
    return 1;
  }
  store::JournalHead head = store.Head();
  std::printf("journal %s: %lld entries, chain intact, head %s%s\n", s.node.c_str(),
              static_cast<long long>(report->entries), HexEncode(head.hash).c_str(),
              no_replay ? "" : "; replayed state matches the tables");
  return 0;
}

int Show(const StoreSelect& s, int64_t after, int64_t limit) {
  auto st = OpenSelected(s);
  if (!st.ok()) {
    std::fprintf(stderr, "riik journal show: %s\n", st.status().message().c_str());
    return 2;
  }
  auto entries = (*st)->ReadJournal(after, limit);
  if (!entries.ok()) {
    std::fprintf(stderr, "riik journal show: %s\n", entries.status().message().c_str());
    return 2;
  }
  for (const auto& e : *entries) std::printf("%s\n", store::EntryToJson(e).dump().c_str());
  return 0;
}

int Digest(const StoreSelect& s) {
  auto st = OpenSelected(s);
  if (!st.ok()) {
    std::fprintf(stderr, "riik journal digest: %s\n", st.status().message().c_str());
    return 2;
  }
  auto d = (*st)->Digest();
  if (!d.ok()) {
    std::fprintf(stderr, "riik journal digest: %s\n", d.status().message().c_str());
    return 2;
  }
  std::printf("%s seq=%lld tables=%lld rows=%lld digest=%s\n", s.node.c_str(), static_cast<long long>(d->seq),
              static_cast<long long>(d->tables), static_cast<long long>(d->rows), HexEncode(d->digest).c_str());
  return 0;
}

}  // namespace

void AddJournalCommand(CLI::App& app, int& exit_code) {
  CLI::App* journal = app.add_subcommand("journal", "Inspect and check a store's hash-chained journal");
  journal->require_subcommand(1);
  journal->footer(
      "Every committed transaction of a store appends one journal entry that names the\n"
      "hash of the entry before it (format: docs/formats/journal.md).\n"
      "Examples:\n"
      "  riik journal verify --dir riik-data --node registry_population\n"
      "  riik journal show --dir riik-data --node registry_population --help");

  auto vs = std::make_shared<StoreSelect>();
  auto no_replay = std::make_shared<bool>(false);
  CLI::App* verify = journal->add_subcommand("verify", "Recompute the hash chain and report the first bad entry");
  AddSelectOptions(verify, *vs);
  verify->add_flag("--no-replay", *no_replay, "Only check the chain; skip replaying it against the tables");
  verify->footer(
      "Exit status: 0 intact, 1 broken (the first bad seq is printed), 2 could not check.\n"
      "By default the journal is also replayed into a scratch store and its state digest\n"
      "compared with the tables, which catches rows changed behind the journal's back.\n\n"
      "Example: riik journal verify --dir riik-data --node node");
  verify->callback([vs, no_replay, &exit_code] { exit_code = Verify(*vs, *no_replay); });

  auto ss = std::make_shared<StoreSelect>();
  auto after = std::make_shared<int64_t>(0);
  auto limit = std::make_shared<int64_t>(100);
  CLI::App* show = journal->add_subcommand("show", "Print journal entries as JSON lines");
  AddSelectOptions(show, *ss);
  show->add_option("--after", *after, "Print entries with seq greater than this")->capture_default_str();
  show->add_option("--limit", *limit, "At most this many entries")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  show->callback([ss, after, limit, &exit_code] { exit_code = Show(*ss, *after, *limit); });

  auto ds = std::make_shared<StoreSelect>();
  CLI::App* digest = journal->add_subcommand("digest", "Print the state digest two copies of a store can compare");
  AddSelectOptions(digest, *ds);
  digest->callback([ds, &exit_code] { exit_code = Digest(*ds); });
}

}  // namespace riik::cli
