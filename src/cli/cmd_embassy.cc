// `riik embassy keys split|status|verify|restore`: the data embassy from the command
// line — the custodians' key shares, the shipping's lag, the archive's check and a
// node's restore (docs/embassy.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/progress.h"
#include "embassy/archive.h"
#include "embassy/custody.h"
#include "embassy/master_key.h"
#include "embassy/restore.h"
#include "net/client.h"
#include "node/node.h"

namespace riik::cli {
namespace {

int Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "riik embassy %s: %s\n", what, st.message().c_str());
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

// ---- keys split ---------------------------------------------------------------------

struct SplitArgs {
  int shares = 5, threshold = 3;
  std::string out;
  std::vector<std::string> pin_files;
};

Result<std::vector<std::string>> CustodianPins(const SplitArgs& a) {
  std::vector<std::string> pins;
  if (!a.pin_files.empty()) {
    if (static_cast<int>(a.pin_files.size()) != a.shares) {
      return InvalidArgument("give one --pin-file per share (" + std::to_string(a.shares) + "), not " +
                             std::to_string(a.pin_files.size()));
    }
    for (const auto& f : a.pin_files) {
      ASSIGN_OR_RETURN(std::string text, ReadFile(f));
      pins.push_back(text.substr(0, text.find('\n')));
    }
    return pins;
  }
  for (int i = 1; i <= a.shares; ++i) {
    std::string who = "custodian " + std::to_string(i) + "'s PIN for share " + std::to_string(i);
    ASSIGN_OR_RETURN(std::string pin, AskSecret(who, "with --pin-file (one per share)"));
    ASSIGN_OR_RETURN(std::string again, AskSecret("the same PIN again", "with --pin-file"));
    if (pin != again) return InvalidArgument("the two PINs for share " + std::to_string(i) + " differ");
    pins.push_back(pin);
  }
  return pins;
}

Status Split(const SplitArgs& a) {
  if (std::filesystem::exists(a.out + "/master.pub")) {
    return AlreadyExists(a.out +
                         " already holds a master key's shares; choose another --out (a new split "
                         "makes a new master key)");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> pins, CustodianPins(a));
  RETURN_IF_ERROR(embassy::SplitNewMasterKey(a.out, a.threshold, pins).status());
  std::printf("master key split into %d shares, any %d of which restore it:\n", a.shares, a.threshold);
  for (int i = 1; i <= a.shares; ++i) std::printf("  %s/share-%d.json\n", a.out.c_str(), i);
  std::printf("public half (nodes wrap their data keys to it): %s/master.pub\n", a.out.c_str());
  std::printf("Give each custodian their file; keep no two together. The secret itself was never written.\n");
  return OkStatus();
}

// ---- status -------------------------------------------------------------------------

struct StatusArgs {
  std::string dir = "riik-data", url;
  bool json = false;
};

std::string Ago(UnixMicros t) {
  if (t == 0) return "never";
  double s = static_cast<double>(NowMicros() - t) / 1e6;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s ago", s);
  return buf;
}

Status ShowStatus(const StatusArgs& a) {
  std::string url = a.url.empty() ? RoleUrl(a.dir, "status") : a.url;
  if (url.empty()) return NotFound("no status role in " + a.dir + "/endpoints.json; give --url");
  ASSIGN_OR_RETURN(net::HttpResponse resp, net::Fetch("GET", url + "/v1/embassy"));
  if (resp.status != 200) return Unavailable(url + "/v1/embassy answered " + std::to_string(resp.status));
  ASSIGN_OR_RETURN(Json doc, ParseJson(resp.body));
  if (a.json) {
    std::printf("%s\n", doc.dump(2).c_str());
    return OkStatus();
  }
  const Json& list = doc["shipping"];
  if (list.empty()) {
    std::printf("this node ships to no data embassy (no [shipping] in its configuration)\n");
    return OkStatus();
  }
  std::printf("%-20s %-5s %10s %10s %8s %9s  %s\n", "store", "mode", "head", "acked", "lag", "lag s", "embassies");
  for (const Json& s : list) {
    std::string embassies;
    for (const Json& e : s["embassies"]) {
      embassies += e.value("url", "") + " acked " + std::to_string(e.value("acked_seq", int64_t{0})) + " (" +
                   Ago(e.value("last_ack_us", int64_t{0})) + ")";
      if (e["error"].is_string()) embassies += " ERROR: " + e["error"].get<std::string>();
      embassies += "  ";
    }
    std::printf("%-20s %-5s %10lld %10lld %8lld %9.3f  %s\n", s.value("node", "").c_str(), s.value("mode", "").c_str(),
                static_cast<long long>(s.value("head_seq", int64_t{0})),
                static_cast<long long>(s.value("acked_seq", int64_t{0})),
                static_cast<long long>(s.value("lag_entries", int64_t{0})), s.value("lag_seconds", 0.0),
                embassies.c_str());
  }
  return OkStatus();
}

// ---- verify (at the embassy) ----------------------------------------------------------

struct VerifyArgs {
  std::string archive;
  std::string node;
};

int Verify(const VerifyArgs& a) {
  std::vector<std::string> nodes;
  if (!a.node.empty()) {
    nodes.push_back(a.node);
  } else {
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator(a.archive, ec)) {
      if (d.is_directory() && embassy::ValidNodeName(d.path().filename().string())) {
        nodes.push_back(d.path().filename().string());
      }
    }
    if (ec) return Fail("verify", Unavailable("cannot list " + a.archive + ": " + ec.message()));
    std::sort(nodes.begin(), nodes.end());
  }
  int bad = 0;
  for (const auto& node : nodes) {
    auto head = embassy::CheckNodeDirectory(a.archive + "/" + node, node);
    if (head.ok()) {
      std::printf("%-20s ok: %lld segments, seqs 1..%lld, %lld bytes, %zu wrapped key(s)\n", node.c_str(),
                  static_cast<long long>(head->segments), static_cast<long long>(head->last_seq),
                  static_cast<long long>(head->bytes), head->key_ids.size());
    } else {
      std::printf("%-20s FAILED: %s\n", node.c_str(), head.status().message().c_str());
      ++bad;
    }
  }
  if (nodes.empty()) return Fail("verify", NotFound("no node directories in " + a.archive));
  return bad == 0 ? 0 : 1;
}

// ---- restore ------------------------------------------------------------------------

struct RestoreArgs {
  std::string archive, node, to, store_url, at, trust_root;
  int64_t seq = 0;
  std::vector<std::string> shares;
};

// RFC 3339 UTC: 2026-11-29T20:15:00Z (fractions of a second allowed).
Result<UnixMicros> ParseTime(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return InvalidArgument("--at takes a UTC time like 2026-11-29T20:15:00Z, not '" + text + "'");
  int64_t micros = 0;
  if (*end == '.') {
    int64_t scale = 100000;
    for (++end; *end >= '0' && *end <= '9'; ++end, scale /= 10) micros += (*end - '0') * scale;
  }
  if (std::string(end) != "Z") return InvalidArgument("--at must end in Z (UTC), e.g. 2026-11-29T20:15:00Z");
  return static_cast<UnixMicros>(timegm(&tm)) * 1'000'000 + micros;
}

// FILE or FILE:PINFILE; without a PIN file the custodian types the PIN.
Result<embassy::OpenedShare> OpenShare(const std::string& arg) {
  embassy::OpenedShare share;
  std::string pin_file;
  size_t colon = arg.rfind(':');
  share.name = colon == std::string::npos ? arg : arg.substr(0, colon);
  if (colon != std::string::npos) pin_file = arg.substr(colon + 1);
  ASSIGN_OR_RETURN(share.file, ReadFile(share.name));
  if (!pin_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(pin_file));
    share.pin = text.substr(0, text.find('\n'));
  } else {
    ASSIGN_OR_RETURN(share.pin, AskSecret("PIN of " + share.name, "as --share FILE:PINFILE"));
  }
  return share;
}

Status Restore(const RestoreArgs& a) {
  embassy::RestoreOptions o;
  o.node = a.node;
  o.node_dir = a.archive + "/" + a.node;
  if (!a.trust_root.empty()) {
    ASSIGN_OR_RETURN(o.trust_root_pem, ReadFile(a.trust_root));
  }
  if (a.seq > 0) o.until_seq = a.seq;
  if (!a.at.empty()) {
    ASSIGN_OR_RETURN(o.until_time, ParseTime(a.at));
  }
  if (!a.store_url.empty()) {
    o.store_url = a.store_url;
  } else {
    if (a.to.empty()) return InvalidArgument("give --to DIR (a new SQLite store in DIR/NODE/) or --store-url");
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(a.to) / a.node, ec);
    if (ec) return Unavailable("cannot create " + a.to + "/" + a.node + ": " + ec.message());
    o.store_url = node::DefaultStoreUrl(a.to, a.node);
  }
  std::vector<embassy::OpenedShare> shares;
  for (const auto& s : a.shares) {
    ASSIGN_OR_RETURN(embassy::OpenedShare share, OpenShare(s));
    shares.push_back(std::move(share));
  }
  ASSIGN_OR_RETURN(o.master_secret, embassy::RestoreSecret(shares));
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<ProgressBar> bar;
  o.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("restore " + a.node, total);
    bar->Update(done);
  };
  auto report = embassy::RestoreNode(o);
  if (bar) bar->Finish();
  if (!report.ok()) return report.status();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("restored %s: %lld entries from %lld segments (%lld bytes at the embassy) in %.1f s\n", a.node.c_str(),
              static_cast<long long>(report->entries), static_cast<long long>(report->segments),
              static_cast<long long>(report->archive_bytes), seconds);
  std::printf("  signed by     %s\n", report->signer.c_str());
  std::printf("  journal head  seq %lld, hash %s (%s)\n", static_cast<long long>(report->head.seq),
              HexEncode(report->head.hash).c_str(), FormatRfc3339(report->head.time).c_str());
  std::printf("  state digest  %s (%lld tables, %lld rows)\n", HexEncode(report->digest.digest).c_str(),
              static_cast<long long>(report->digest.tables), static_cast<long long>(report->digest.rows));
  if (report->head.seq < report->archive_last_seq) {
    std::printf("  stopped short of the archive's last seq %lld, as asked\n",
                static_cast<long long>(report->archive_last_seq));
  }
  std::printf("  into          %s\n", o.store_url.c_str());
  return OkStatus();
}

}  // namespace

void AddEmbassyCommand(CLI::App& app, int& exit_code) {
  CLI::App* e =
      app.add_subcommand("embassy", "The data embassy: key custody, shipping status, archive checks, restore");
  e->require_subcommand(1);
  e->footer(
      "Every store's journal streams, encrypted and signed, to the data embassy; the state\n"
      "master key that opens it is split among custodians. See docs/embassy.md.");

  CLI::App* keys = e->add_subcommand("keys", "The state master key's custody");
  keys->require_subcommand(1);
  auto sa = std::make_shared<SplitArgs>();
  CLI::App* split = keys->add_subcommand("split", "Make a new master key and split it among custodians");
  split->add_option("--shares", sa->shares, "Custodians (share files)")
      ->check(CLI::Range(2, 255))
      ->capture_default_str();
  split->add_option("--threshold", sa->threshold, "Shares needed to restore")
      ->check(CLI::Range(2, 255))
      ->capture_default_str();
  split->add_option("--out", sa->out, "Directory for share-N.json and master.pub")->required();
  split->add_option("--pin-file", sa->pin_files, "A custodian's PIN file, one per share in order (else asked)");
  split->footer(
      "Each share file is sealed under its custodian's PIN (Argon2id). Any THRESHOLD of them\n"
      "restore the master key; fewer tell nothing about it. master.pub is what nodes need.\n\n"
      "Example:\n  riik embassy keys split --shares 5 --threshold 3 --out custody/");
  split->callback([sa, &exit_code] {
    if (sa->threshold > sa->shares) {
      exit_code = Fail("keys split", InvalidArgument("--threshold cannot exceed --shares"));
      return;
    }
    Status st = Split(*sa);
    exit_code = st.ok() ? 0 : Fail("keys split", st);
  });

  auto st_args = std::make_shared<StatusArgs>();
  CLI::App* status = e->add_subcommand("status", "What each store has shipped: acknowledged seq and lag per embassy");
  status->add_option("--dir", st_args->dir, "Data directory of riik up (finds the status role)")->capture_default_str();
  status->add_option("--url", st_args->url, "The node's status role URL instead");
  status->add_flag("--json", st_args->json, "Print the JSON");
  status->callback([st_args, &exit_code] {
    Status st = ShowStatus(*st_args);
    exit_code = st.ok() ? 0 : Fail("status", st);
  });

  auto va = std::make_shared<VerifyArgs>();
  CLI::App* verify = e->add_subcommand("verify", "Check an embassy's archive: every segment's signature and chain");
  verify->add_option("--archive", va->archive, "The embassy's archive directory")->required();
  verify->add_option("--node", va->node, "Only this node");
  verify->footer("Needs no key: finds any altered, missing, reordered or replayed segment. Exit 1 if any.");
  verify->callback([va, &exit_code] { exit_code = Verify(*va); });

  auto ra = std::make_shared<RestoreArgs>();
  CLI::App* restore =
      e->add_subcommand("restore", "Restore a node's store from an embassy archive with custodians' shares");
  restore->add_option("--archive", ra->archive, "The embassy's archive directory")->required();
  restore->add_option("--node", ra->node, "The node (journal) to restore, e.g. registry_population")->required();
  restore->add_option("--to", ra->to, "Directory for the new store (SQLite at DIR/NODE/store.db)");
  restore->add_option("--store-url", ra->store_url, "Or a new store's URL (sqlite:PATH, postgresql://…)");
  restore->add_option("--seq", ra->seq, "Stop after this journal seq");
  restore->add_option("--at", ra->at, "Stop after the last entry committed by this UTC time (2026-11-29T20:15:00Z)");
  restore
      ->add_option("--share", ra->shares, "A custodian's share file (FILE or FILE:PINFILE); as many as the threshold")
      ->required();
  restore->add_option("--trust-root", ra->trust_root, "The state's root certificate: the signer must chain to it");
  restore->footer(
      "Unwraps the node's data key with the restored master key, checks every segment's\n"
      "signature and chain and every entry's hash, replays them into the new store and\n"
      "prints its journal head and state digest.\n\n"
      "Example:\n  riik embassy restore --archive riik-data/embassy-lu/archive --node registry_population \\\n"
      "      --to /tmp/restored --share c1/share-1.json --share c2/share-2.json --share c3/share-3.json");
  restore->callback([ra, &exit_code] {
    Status st = Restore(*ra);
    exit_code = st.ok() ? 0 : Fail("restore", st);
  });
}

}  // namespace riik::cli
