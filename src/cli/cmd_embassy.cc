// `riik embassy keys split|status|verify|restore|drill|failover`: the data embassy from
// the command line — the custodians' key shares, the shipping's lag, the archive's
// check, a node's restore, restore drills and failing the whole state over
// (docs/embassy.md).
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "cli/terminal.h"
#include "cli/up.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/progress.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/custody.h"
#include "embassy/drill.h"
#include "embassy/master_key.h"
#include "embassy/restore.h"
#include "embassy/vault.h"
#include "net/client.h"
#include "node/node.h"
#include "node/role_keys.h"

namespace riik::cli {
namespace {

// ---- keys split ---------------------------------------------------------------------

struct SplitArgs {
  int shares = 5, threshold = 3;
  std::string out, trust_root;
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
  ASSIGN_OR_RETURN(std::string root_pem, ReadFile(a.trust_root));
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(root_pem));
  RETURN_IF_ERROR(embassy::SplitNewMasterKey(a.out, a.threshold, pins, CertificateDer(root.get())).status());
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

// When the embassy last acknowledged: `t` is 0 until it has in this run of the node; an
// acked seq from before (the embassy says where it stands when shipping resumes) is not "never".
std::string Ago(UnixMicros t, int64_t acked_seq) {
  if (t == 0) return acked_seq > 0 ? "before this node's start" : "never";
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
  if (!doc.is_object() || !doc.contains("shipping") || !doc["shipping"].is_array()) {
    return DataLoss(url + "/v1/embassy did not answer with a shipping list");
  }
  const Json& list = doc["shipping"];
  if (list.empty()) {
    std::printf("this node ships to no data embassy (no [shipping] in its configuration)\n");
    return OkStatus();
  }
  static const Json kNone = Json::object();
  auto member = [](const Json& j, const char* key) -> const Json& {
    return j.is_object() && j.contains(key) ? j[key] : kNone;
  };
  std::printf("%-20s %-5s %10s %10s %8s %9s  %s\n", "store", "mode", "head", "acked", "lag", "lag s", "embassies");
  for (const Json& s : list) {
    std::string embassies;
    const Json& targets = member(s, "embassies");
    for (const Json& e : targets.is_array() ? targets : Json::array()) {
      embassies += StringOr(e, "url") + " acked " + std::to_string(IntOr(e, "acked_seq")) + " (" +
                   Ago(IntOr(e, "last_ack_us"), IntOr(e, "acked_seq")) + ")";
      if (IntOr(e, "snapshot_seq") > 0) embassies += ", snapshot at seq " + std::to_string(IntOr(e, "snapshot_seq"));
      const Json& drill = member(e, "last_drill");
      if (drill.is_object() && !drill.empty()) {
        embassies += std::string(", drill ") + (BoolOr(drill, "ok") ? "ok" : "FAILED") + " at seq " +
                     std::to_string(IntOr(drill, "seq"));
      }
      if (!StringOr(e, "error").empty()) embassies += " ERROR: " + StringOr(e, "error");
      embassies += "  ";
    }
    const Json& lag = member(s, "lag_seconds");
    std::printf("%-20s %-5s %10lld %10lld %8lld %9.3f  %s\n", StringOr(s, "node").c_str(), StringOr(s, "mode").c_str(),
                static_cast<long long>(IntOr(s, "head_seq")), static_cast<long long>(IntOr(s, "acked_seq")),
                static_cast<long long>(IntOr(s, "lag_entries")), lag.is_number() ? lag.get<double>() : 0.0,
                embassies.c_str());
  }
  return OkStatus();
}

Result<std::vector<std::string>> ArchivedNodes(const std::string& archive);

// ---- verify (at the embassy) ----------------------------------------------------------

struct VerifyArgs {
  std::string archive;
  std::string node;
};

int Verify(const VerifyArgs& a) {
  auto listed = a.node.empty() ? ArchivedNodes(a.archive) : Result<std::vector<std::string>>({a.node});
  if (!listed.ok()) return Fail("embassy", "verify", listed.status());
  const std::vector<std::string>& nodes = *listed;
  int bad = 0;
  for (const auto& node : nodes) {
    auto head = embassy::CheckNodeDirectory(a.archive + "/" + node, node);
    if (head.ok()) {
      auto drill = head->last_drill.empty() ? Result<Json>(NotFound("")) : ParseJson(head->last_drill);
      std::string drilled = !drill.ok() ? "no drill yet"
                                        : std::string("last drill ") + (BoolOr(*drill, "ok") ? "ok" : "FAILED") +
                                              " at seq " + std::to_string(IntOr(*drill, "seq")) + ", " +
                                              FormatRfc3339(IntOr(*drill, "time_us"));
      std::printf("%-20s ok: %lld segments, seqs 1..%lld, %lld bytes, %zu wrapped key(s), checkpoint at seq %lld, %s\n",
                  node.c_str(), static_cast<long long>(head->segments), static_cast<long long>(head->last_seq),
                  static_cast<long long>(head->bytes), head->key_ids.size(),
                  static_cast<long long>(head->checkpoint_seq), drilled.c_str());
    } else {
      std::printf("%-20s FAILED: %s\n", node.c_str(), head.status().message().c_str());
      ++bad;
    }
  }
  return bad == 0 ? 0 : 1;
}

// ---- restore ------------------------------------------------------------------------

struct RestoreArgs {
  std::string archive, node, to, store_url, at, trust_root;
  int64_t seq = 0;
  bool full_replay = false, recompute_digest = false;
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
  ASSIGN_OR_RETURN(share.file, ReadInputFile(share.name, embassy::kMaxShareFileBytes));
  if (!pin_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(pin_file));
    share.pin = text.substr(0, text.find('\n'));
  } else {
    ASSIGN_OR_RETURN(share.pin, AskSecret("PIN of " + share.name, "as --share FILE:PINFILE"));
  }
  return share;
}

struct Custody {
  std::string secret;
  std::string root_pem;  // the state root every restored signer must chain to
  Custody(std::string s, std::string root) : secret(std::move(s)), root_pem(std::move(root)) {}
  Custody(Custody&&) = default;
  Custody(const Custody&) = delete;
  ~Custody() { OPENSSL_cleanse(secret.data(), secret.size()); }  // the master secret leaves memory with it
};

// The master secret and the state root from custodians' shares (each FILE or
// FILE:PINFILE). The root is the one sealed in the shares; `trust_root_file`, if given,
// must be that same certificate (and is needed for shares of the old format, which
// carry none). Nothing in the archive decides which root is the state's.
Result<Custody> OpenCustody(const std::vector<std::string>& args, const std::string& trust_root_file) {
  std::vector<embassy::OpenedShare> shares;
  for (const auto& s : args) {
    ASSIGN_OR_RETURN(embassy::OpenedShare share, OpenShare(s));
    shares.push_back(std::move(share));
  }
  ASSIGN_OR_RETURN(embassy::RestoredCustody restored, embassy::RestoreCustody(shares));
  Custody out{std::move(restored.secret), ""};
  if (!trust_root_file.empty()) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(trust_root_file));
    ASSIGN_OR_RETURN(UniquePtr<X509> given, ParseCertificatePem(pem));
    if (!restored.root_der.empty() && CertificateDer(given.get()) != restored.root_der) {
      return PermissionDenied(trust_root_file + " is not the state root the custodians' shares name");
    }
    out.root_pem = pem;
  } else if (restored.root_der.empty()) {
    return InvalidArgument("these shares are of the old format, which names no state root: give --trust-root");
  } else {
    const auto* der = reinterpret_cast<const unsigned char*>(restored.root_der.data());
    UniquePtr<X509> root(d2i_X509(nullptr, &der, static_cast<long>(restored.root_der.size())));
    if (!root) return DataLoss("the state root sealed in the shares is not a certificate");
    out.root_pem = CertificatePem(root.get());
  }
  return out;
}

// The node directories of an archive, sorted.
Result<std::vector<std::string>> ArchivedNodes(const std::string& archive) {
  std::vector<std::string> nodes;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator(archive, ec)) {
    if (d.is_directory() && embassy::ValidNodeName(d.path().filename().string())) {
      nodes.push_back(d.path().filename().string());
    }
  }
  if (ec) return Unavailable("cannot list " + archive + ": " + ec.message());
  if (nodes.empty()) return NotFound("no node directories in " + archive);
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

Status Restore(const RestoreArgs& a) {
  embassy::RestoreOptions o;
  o.node = a.node;
  o.node_dir = a.archive + "/" + a.node;
  if (a.seq > 0) o.until_seq = a.seq;
  o.use_snapshots = !a.full_replay;
  o.recompute_digest = a.recompute_digest;
  if (!a.at.empty()) {
    ASSIGN_OR_RETURN(o.until_time, ParseTime(a.at));
  }
  if (a.store_url.empty() && a.to.empty()) {
    return InvalidArgument("give --to DIR (a new SQLite store in DIR/NODE/) or --store-url");
  }
  // The shares first: a refused restore leaves nothing behind.
  ASSIGN_OR_RETURN(Custody custody, OpenCustody(a.shares, a.trust_root));
  // What this restore creates, to take away again if it fails.
  std::vector<std::filesystem::path> made;
  if (!a.store_url.empty()) {
    o.store_url = a.store_url;
  } else {
    const std::filesystem::path node_dir = std::filesystem::path(a.to) / a.node;
    for (const auto& p : {std::filesystem::path(a.to), node_dir}) {
      if (!std::filesystem::exists(p)) made.insert(made.begin(), p);  // the deepest first
    }
    std::error_code ec;
    std::filesystem::create_directories(node_dir, ec);
    if (ec) return Unavailable("cannot create " + node_dir.string() + ": " + ec.message());
    o.store_url = node::DefaultStoreUrl(a.to, a.node);
  }
  o.master_secret = custody.secret;
  o.trust_root_pem = custody.root_pem;
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<ProgressBar> bar;
  o.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("restore " + a.node, total);
    bar->Update(done);
  };
  auto report = embassy::RestoreNode(o);
  OPENSSL_cleanse(o.master_secret.data(), o.master_secret.size());
  if (bar) bar->Finish();
  if (!report.ok()) {
    std::error_code ec;
    for (const auto& p : made) std::filesystem::remove_all(p, ec);
    return report.status();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("restored %s: %lld entries from %lld segments (%lld bytes at the embassy) in %.1f s\n", a.node.c_str(),
              static_cast<long long>(report->entries), static_cast<long long>(report->segments),
              static_cast<long long>(report->archive_bytes), seconds);
  std::printf("  signed by     %s\n", report->signer.c_str());
  if (report->snapshot_seq > 0) {
    std::printf("  started from  the snapshot at seq %lld (written back in %.1f s, its journal filled in)\n",
                static_cast<long long>(report->snapshot_seq), report->snapshot_s);
  }
  std::printf("  journal head  seq %lld, hash %s (%s)\n", static_cast<long long>(report->head.seq),
              HexEncode(report->head.hash).c_str(), FormatRfc3339(report->head.time).c_str());
  std::printf("  state digest  %s (%lld tables, %lld rows)\n", HexEncode(report->digest.digest).c_str(),
              static_cast<long long>(report->digest.tables), static_cast<long long>(report->digest.rows));
  if (report->head.seq < report->archive_last_seq) {
    std::printf("  stopped short of the archive's last seq %lld, as asked\n",
                static_cast<long long>(report->archive_last_seq));
  }
  if (report->checkpoint_seq > 0) {
    std::printf("  checked       the digest at seq %lld matches the node's signed checkpoint (%s)\n",
                static_cast<long long>(report->checkpoint_seq), report->digest_checked_by.c_str());
  } else {
    std::printf(
        "  checked       every segment's signature and chain, every entry's hash (no signed checkpoint "
        "within reach to compare the digest with)\n");
  }
  std::printf("  into          %s\n", o.store_url.c_str());
  return OkStatus();
}

// ---- drill --------------------------------------------------------------------------

struct DrillArgs {
  std::string archive, node, signing_key, key_passphrase_file, scratch, trust_root;
  std::vector<std::string> shares;
  int every_s = 0;
};

int Drill(const DrillArgs& a) {
  auto custody = OpenCustody(a.shares, a.trust_root);
  if (!custody.ok()) return Fail("embassy", "drill", custody.status());
  auto key = node::ReadKey(a.signing_key, a.key_passphrase_file);
  if (!key.ok()) return Fail("embassy", "drill", key.status().WithContext("the embassy's signing key"));
  std::string scratch = a.scratch.empty() ? std::filesystem::temp_directory_path().string() : a.scratch;
  while (true) {
    auto nodes = a.node.empty() ? ArchivedNodes(a.archive) : Result<std::vector<std::string>>({a.node});
    if (!nodes.ok()) return Fail("embassy", "drill", nodes.status());
    int failed = 0;
    for (const auto& node : *nodes) {
      embassy::DrillOptions o{a.archive + "/" + node, node, custody->secret, custody->root_pem, scratch, key->get()};
      auto text = embassy::RunDrill(o);
      if (!text.ok()) return Fail("embassy", "drill", text.status());
      auto doc = ParseJson(*text);
      bool ok = doc.ok() && BoolOr(*doc, "ok");
      failed += ok ? 0 : 1;
      std::printf("%-20s %s  seq %lld  %s (%lld ms)\n", node.c_str(), ok ? "ok    " : "FAILED",
                  static_cast<long long>(doc.ok() ? IntOr(*doc, "seq") : 0),
                  doc.ok() ? StringOr(*doc, "message").c_str() : "",
                  static_cast<long long>(doc.ok() ? IntOr(*doc, "millis") : 0));
    }
    std::fflush(stdout);
    if (a.every_s <= 0) return failed == 0 ? 0 : 1;
    std::this_thread::sleep_for(std::chrono::seconds(a.every_s));
  }
}

// ---- failover -----------------------------------------------------------------------

struct FailoverArgs {
  std::string archive, to, trust_root, embassy_mode = "async";
  std::vector<std::string> shares;
  int port_base = 0;
  int64_t population = 3000;
};

// Restores every node of the archive into a new state directory, writes the vault's
// files back, and serves it: riik up on the restored directory, whose security servers
// re-register their new addresses in the (restored) global configuration.
int Failover(const FailoverArgs& a) {
  auto started = std::chrono::steady_clock::now();
  if (std::filesystem::exists(a.to) && !std::filesystem::is_empty(a.to)) {
    return Fail("embassy", "failover", FailedPrecondition(a.to + " is not empty: fail over into a fresh directory"));
  }
  auto custody = OpenCustody(a.shares, a.trust_root);
  if (!custody.ok()) return Fail("embassy", "failover", custody.status());
  auto nodes = ArchivedNodes(a.archive);
  if (!nodes.ok()) return Fail("embassy", "failover", nodes.status());
  int64_t entries = 0, bytes = 0;
  ProgressBar bar("failover", static_cast<int64_t>(nodes->size()));
  for (size_t i = 0; i < nodes->size(); ++i) {
    const std::string& name = (*nodes)[i];
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(a.to) / name, ec);
    embassy::RestoreOptions o;
    o.node_dir = a.archive + "/" + name;
    o.node = name;
    o.master_secret = custody->secret;
    o.trust_root_pem = custody->root_pem;
    o.store_url = node::DefaultStoreUrl(a.to, name);
    auto report = embassy::RestoreNode(o);
    OPENSSL_cleanse(o.master_secret.data(), o.master_secret.size());
    if (!report.ok()) return Fail("embassy", "failover", report.status().WithContext("restoring " + name));
    entries += report->entries;
    bytes += report->archive_bytes;
    if (name == "vault") {
      auto vault = store::Store::Open(store::StoreOptions{o.store_url, name});
      auto written = vault.ok() ? embassy::WriteVaultFiles(**vault, a.to) : Result<int64_t>(vault.status());
      if (!written.ok()) return Fail("embassy", "failover", written.status().WithContext("writing the vault's files"));
    }
    bar.Update(static_cast<int64_t>(i + 1));
  }
  bar.Finish();
  double restore_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("restored %zu stores (%lld journal entries, %lld bytes at the embassy) in %.1f s; starting the state\n",
              nodes->size(), static_cast<long long>(entries), static_cast<long long>(bytes), restore_s);
  std::fflush(stdout);
  UpOptions up;
  up.dir = a.to;
  up.port_base = a.port_base;
  up.population = a.population;
  up.embassy_mode = a.embassy_mode;
  up.on_serving = [started, restore_s] {
    double rto = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("FAILOVER COMPLETE: serving again %.1f s after the failover began (RTO; restore %.1f s)\n", rto,
                restore_s);
    std::fflush(stdout);
  };
  return RunUp(up);
}

}  // namespace

void AddEmbassyCommand(CLI::App& app, int& exit_code) {
  CLI::App* e =
      app.add_subcommand("embassy", "The data embassy: key custody, shipping status, archive checks, restore");
  e->require_subcommand(1);
  e->footer(
      "Every store's journal streams, encrypted and signed, to the data embassy; the state\n"
      "master key that opens it is split among custodians. See docs/embassy.md.\n"
      "Examples (riik up's embassy and custodians' shares):\n"
      "  riik embassy status --dir riik-data\n"
      "  riik embassy verify --archive riik-data/embassy-lu/archive\n"
      "  riik embassy restore --help");

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
  split
      ->add_option("--trust-root", sa->trust_root,
                   "The state's root certificate, sealed in every share: restores demand it of the archive")
      ->required();
  split->add_option("--pin-file", sa->pin_files, "A custodian's PIN file, one per share in order (else asked)");
  split->footer(
      "Each share file is sealed under its custodian's PIN (Argon2id). Any THRESHOLD of them\n"
      "restore the master key; fewer tell nothing about it. master.pub is what nodes need.\n\n"
      "Example:\n  riik embassy keys split --shares 5 --threshold 3 --out custody/");
  split->callback([sa, &exit_code] {
    if (sa->threshold > sa->shares) {
      exit_code = Fail("embassy", "keys split", InvalidArgument("--threshold cannot exceed --shares"));
      return;
    }
    Status st = Split(*sa);
    exit_code = st.ok() ? 0 : Fail("embassy", "keys split", st);
  });

  auto st_args = std::make_shared<StatusArgs>();
  CLI::App* status = e->add_subcommand("status", "What each store has shipped: acknowledged seq and lag per embassy");
  status->add_option("--dir", st_args->dir, "Data directory of riik up (finds the status role)")->capture_default_str();
  status->add_option("--url", st_args->url, "The node's status role URL instead");
  status->add_flag("--json", st_args->json, "Print the JSON");
  status->callback([st_args, &exit_code] {
    Status st = ShowStatus(*st_args);
    exit_code = st.ok() ? 0 : Fail("embassy", "status", st);
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
  restore->add_flag("--full-replay", ra->full_replay,
                    "Replay the whole journal instead of starting from the latest snapshot (slower; proves the "
                    "journal alone rebuilds the state)");
  restore->add_flag("--recompute-digest", ra->recompute_digest,
                    "Recompute the state digest even where the snapshot's signed bytes already prove it");
  restore
      ->add_option("--share", ra->shares, "A custodian's share file (FILE or FILE:PINFILE); as many as the threshold")
      ->required();
  restore->add_option("--trust-root", ra->trust_root,
                      "The state's root certificate (default: the one sealed in the shares, which it must be)");
  restore->footer(
      "Unwraps the node's data key with the restored master key and checks every segment's\n"
      "signature and chain and every entry's hash. Into a new SQLite store it starts from the\n"
      "latest snapshot in reach (every chunk checked against the manifest the node signed),\n"
      "fills its journal in and replays only the entries after it; otherwise it replays them\n"
      "all. The state digest is compared with the node's signed checkpoint; prints where it\n"
      "started, the journal head and the state digest.\n\n"
      "Example:\n  riik embassy restore --archive riik-data/embassy-lu/archive --node registry_population \\\n"
      "      --to /tmp/restored --share c1/share-1.json --share c2/share-2.json --share c3/share-3.json");
  restore->callback([ra, &exit_code] {
    Status st = Restore(*ra);
    exit_code = st.ok() ? 0 : Fail("embassy", "restore", st);
  });

  auto da = std::make_shared<DrillArgs>();
  CLI::App* drill =
      e->add_subcommand("drill", "Prove the archive restorable: restore each node to its last checkpoint");
  drill->add_option("--archive", da->archive, "The embassy's archive directory")->required();
  drill->add_option("--node", da->node, "Only this node");
  drill->add_option("--share", da->shares, "A custodian's share file (FILE or FILE:PINFILE)")->required();
  drill->add_option("--signing-key", da->signing_key, "The embassy's signing key (PEM) for the results")->required();
  drill->add_option("--key-passphrase-file", da->key_passphrase_file,
                    "The signing key's passphrase, if it is encrypted (riik up's is: DIR/trust/passphrase)");
  drill->add_option("--scratch", da->scratch, "Where the scratch stores go (default: the temporary directory)");
  drill->add_option("--trust-root", da->trust_root,
                    "The state's root certificate (default: the one sealed in the shares, which it must be)");
  drill->add_option("--every", da->every_s, "Repeat every this many seconds (0: once)")->capture_default_str();
  drill->footer(
      "For each node: restores into a scratch store up to the node's latest signed checkpoint,\n"
      "compares the state digest with the one the node signed, and keeps the result signed by\n"
      "the embassy in ARCHIVE/NODE/drills/. Exit 1 if any drill failed.\n"
      "The results are signed with the embassy's own key, which is kept encrypted: give its\n"
      "passphrase. In riik up's demo the key is DIR/embassy-lu/signing.key and its passphrase\n"
      "the demo's one passphrase, DIR/trust/passphrase.\n"
      "Example (riik up's demo, custodians 1, 3 and 5):\n"
      "  C=riik-data/custody; riik embassy drill --archive riik-data/embassy-lu/archive \\\n"
      "    --signing-key riik-data/embassy-lu/signing.key --key-passphrase-file riik-data/trust/passphrase \\\n"
      "    --share $C/share-1.json:$C/share-1.pin --share $C/share-3.json:$C/share-3.pin \\\n"
      "    --share $C/share-5.json:$C/share-5.pin");
  drill->callback([da, &exit_code] { exit_code = Drill(*da); });

  auto fa = std::make_shared<FailoverArgs>();
  CLI::App* failover = e->add_subcommand("failover", "Restore every node from the archive and serve the state here");
  failover->add_option("--archive", fa->archive, "The embassy's archive directory")->required();
  failover->add_option("--to", fa->to, "A fresh directory for the restored state")->required();
  failover->add_option("--share", fa->shares, "A custodian's share file (FILE or FILE:PINFILE)")->required();
  failover->add_option("--trust-root", fa->trust_root,
                       "The state's root certificate (default: the one sealed in the shares, which it must be)");
  failover->add_option("--port-base", fa->port_base, "As riik up (0: any free ports)")->capture_default_str();
  failover->add_option("--population", fa->population, "As riik up (the registries are restored, not reloaded)")
      ->capture_default_str();
  failover->add_option("--embassy-mode", fa->embassy_mode, "Shipping of the restored state to its own new embassy")
      ->check(CLI::IsMember({"async", "sync"}))
      ->capture_default_str();
  failover->footer(
      "Restores every store and the vault (keys and certificates) into --to, then runs the\n"
      "whole state there as riik up does: the security servers register their new addresses\n"
      "in the restored global configuration, so clients keep working. Prints the RTO.");
  failover->callback([fa, &exit_code] { exit_code = Failover(*fa); });
}

}  // namespace riik::cli
