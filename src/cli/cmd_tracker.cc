// `riik tracker list|verify|log verify`: the citizen's view of who accessed their data
// in a registry, with proofs checked offline (docs/formats/tracker.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/x509.h"
#include "net/client.h"
#include "node/node.h"
#include "registry/registry.h"
#include "tracker/access_record.h"
#include "tracker/listing.h"
#include "tracker/tracker.h"
#include "transparency/verify.h"

namespace riik::cli {
namespace {

Result<tracker::VerifiedListing> CheckFile(const std::string& file, X509* root,
                                           const tracker::VerifiedListing* previous) {
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(file, tracker::kMaxListingBytes));
  auto checked = tracker::CheckListing(text, root, previous);
  if (!checked.ok()) return checked.status().WithContext(file);
  return checked;
}

// "1 access", "2 accesses".
std::string Accesses(size_t n) { return std::to_string(n) + (n == 1 ? " access" : " accesses"); }

// Whether a 404's body says the registry's tracker holds no records at all.
bool NoRecordsYet(const std::string& body) {
  Result<Json> json = ParseJson(body);
  return json.ok() && json->is_object() && json->value("type", "") == tracker::kNoRecordsYet;
}

struct ListArgs {
  std::string url, code, since, out;
  int wait_s = 10;         // how long to wait for the latest tree head's timestamp
  net::ClientOptions tls;  // the registry answers only its security server's certificate
};

// Fetches the listing from the registry on the person's own behalf; with --since the
// consistency proof starts at that earlier listing's head.
Status List(const ListArgs& a) {
  int64_t since_size = 0;
  if (!a.since.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadInputFile(a.since, tracker::kMaxListingBytes));
    ASSIGN_OR_RETURN(Json old, ParseJson(text.substr(0, text.find_last_not_of('\n') + 1)));
    // current.head.tree_size, a whole number, or the file is not a listing of this tool's.
    const Json current = old.is_object() ? old.value("current", Json()) : Json();
    const Json head = current.is_object() ? current.value("head", Json()) : Json();
    auto size = head.is_object() && head.contains("tree_size")
                    ? IntegerIn(head.at("tree_size"), "current.head.tree_size", 0, INT64_MAX)
                    : Result<int64_t>(InvalidArgument("current.head.tree_size is missing"));
    if (!size.ok()) return InvalidArgument(a.since + " is not an earlier listing: " + size.status().message());
    since_size = *size;
  }
  net::Headers h;
  h.Add("X-Road-UserId", "EE" + a.code);
  h.Add("X-Road-Issue", "the person's own data tracker listing");
  std::string url = a.url + "/tracker/" + a.code + "?since_size=" + std::to_string(since_size);
  // An access made a moment ago is under a tree head the TSA stamps within a second or
  // so: until then (503) the listing waits, for at most --wait seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.wait_s);
  ASSIGN_OR_RETURN(net::HttpResponse resp, net::Fetch("GET", url, h, "", a.tls));
  for (bool told = false; resp.status == 503 && std::chrono::steady_clock::now() < deadline; told = true) {
    if (!told) std::fprintf(stderr, "waiting for the timestamp of the tracker's latest tree head…\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSIGN_OR_RETURN(resp, net::Fetch("GET", url, h, "", a.tls));
  }
  if (resp.status == 404 && NoRecordsYet(resp.body)) {
    std::printf("Nobody has looked at the data of %s in this registry yet: its data tracker holds no records.\n",
                a.code.c_str());
    return OkStatus();
  }
  if (resp.status != 200) return Unavailable(url + " answered " + std::to_string(resp.status) + ": " + resp.body);
  ASSIGN_OR_RETURN(Json doc, ParseJson(resp.body));
  ASSIGN_OR_RETURN(std::string text, CanonicalJson(doc));
  if (a.out.empty()) {
    std::printf("%s\n", text.c_str());
    return OkStatus();
  }
  RETURN_IF_ERROR(WriteFileAtomic(a.out, text + "\n", false));
  std::fprintf(stderr, "%s to %s's data written to %s\n", Accesses(doc["entries"].size()).c_str(), a.code.c_str(),
               a.out.c_str());
  return OkStatus();
}

Status Verify(const std::string& file, const std::string& root_path, const std::string& previous_file) {
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(root_path));
  std::optional<tracker::VerifiedListing> previous;
  if (!previous_file.empty()) {
    ASSIGN_OR_RETURN(previous, CheckFile(previous_file, root.get(), nullptr));
  }
  ASSIGN_OR_RETURN(tracker::VerifiedListing v, CheckFile(file, root.get(), previous ? &*previous : nullptr));
  std::printf("%s: %s to the data of %s in %s, under a signed head of %lld records (%s); verified against %s",
              file.c_str(), Accesses(v.entries.size()).c_str(), v.person.c_str(), v.log_id.c_str(),
              static_cast<long long>(v.size), FormatRfc3339(v.head_time).c_str(), root_path.c_str());
  if (previous) {
    std::printf("; it extends %s (%lld records) and keeps its %s", previous_file.c_str(),
                static_cast<long long>(previous->size), Accesses(previous->entries.size()).c_str());
  }
  std::printf("\n");
  for (const auto& e : v.entries) {
    const tracker::AccessRecord& r = e.record;
    // A call that did not come through the exchange carries no X-Road-Id.
    const std::string call = r.xroad_id.empty() ? "not through the exchange" : "X-Road-Id " + r.xroad_id;
    std::printf("  %s  %s asked %s/%s%s%s (%s; timestamped %s)\n", FormatRfc3339(r.time_us).c_str(), r.client.c_str(),
                r.registry.c_str(), r.service.c_str(), r.user_id.empty() ? "" : (" on behalf of " + r.user_id).c_str(),
                r.issue.empty() ? "" : (": " + r.issue).c_str(), call.c_str(), FormatRfc3339(e.timestamp_time).c_str());
  }
  return OkStatus();
}

// The whole tracker log of a registry, from its store (read-only: works while it serves).
Status VerifyLog(const std::string& dir, const std::string& name, const std::string& root_path) {
  ASSIGN_OR_RETURN(const registry::RegistryInfo* info, registry::FindRegistry(name));
  std::string store_name = node::RoleStoreName(std::string("registry-") + info->name);
  store::StoreOptions so{node::DefaultStoreUrl(dir, store_name), store_name};
  so.read_only = true;
  ASSIGN_OR_RETURN(auto store, store::Store::Open(so));
  ASSIGN_OR_RETURN(UniquePtr<X509> root,
                   ReadCertificatePemFile(root_path.empty() ? dir + "/trust/root.pem" : root_path));
  const std::string log_id = tracker::TrackerLogId(info->ClientId());
  ASSIGN_OR_RETURN(transparency::VerifiedLog found,
                   transparency::VerifyLog(*store, log_id, root.get(), tracker::CheckAccessLeaf));
  // The tracker signs a head with every batch.
  RETURN_IF_ERROR(transparency::RequireEverySigned(found).WithContext("signed log " + log_id));
  std::printf("data tracker %s: every record, signed tree head and timestamp verifies (%s)\n", log_id.c_str(),
              transparency::VerifiedSummary(found).c_str());
  return OkStatus();
}

}  // namespace

void AddTrackerCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("tracker", "Who looked at a person's data: listings with proofs, checked offline");
  cmd->require_subcommand(1);
  // Before the subcommands, which take the footer they are created with.
  cmd->footer(
      "Every registry records each access to a person's data it gives out: who asked (the\n"
      "client subsystem), on whose behalf and why, which service, when. A listing carries\n"
      "each record's inclusion proof under a signed, timestamped tree head; keep it, and\n"
      "the next one proves the log only grew since and still lists everything listed then.\n"
      "Examples:\n"
      "  riik tracker list --url http://127.0.0.1:7013 --code 38001085718 --out bank-1.json\n"
      "  riik tracker verify bank-1.json --ca riik-data/trust/root.pem\n"
      "  riik tracker list --url http://127.0.0.1:7013 --code 38001085718 --since bank-1.json --out bank-2.json\n"
      "  riik tracker verify bank-2.json --previous bank-1.json --ca riik-data/trust/root.pem\n"
      "  riik tracker log verify --dir riik-data --registry bank");

  auto list = std::make_shared<ListArgs>();
  CLI::App* l = cmd->add_subcommand("list", "Fetch a person's listing from a registry (on their own behalf)");
  l->add_option("--url", list->url, "The registry's URL (endpoints.json: roles.registry-NAME.url)")->required();
  l->add_option("--code", list->code, "The person's personal code")->required();
  l->add_option("--since", list->since, "The person's previous listing: prove consistency from its head");
  l->add_option("--out", list->out, "Write the listing here (default: stdout)");
  l->add_option("--cacert", list->tls.ca_file, "What the registry's certificate chains to (DIR/trust/root.pem)");
  l->add_option("--cert", list->tls.cert_file,
                "The certificate the registry answers: its security server's (DIR/ss_NAME/auth.pem)");
  l->add_option("--key", list->tls.key_file, "That certificate's key");
  l->add_option("--wait", list->wait_s, "Seconds to wait for the timestamp of an access just made (0: do not wait)")
      ->capture_default_str();
  l->callback([list, &exit_code] {
    if (Status st = List(*list); !st.ok()) exit_code = Fail("tracker", "list", st);
  });

  auto file = std::make_shared<std::string>(), root = std::make_shared<std::string>(),
       previous = std::make_shared<std::string>();
  CLI::App* v =
      cmd->add_subcommand("verify", "Check a listing offline; with --previous, that nothing listed before is gone");
  v->add_option("file", *file, "The listing")->required();
  v->add_option("--ca", *root, "The state root certificate (PEM)")->required();
  v->add_option("--previous", *previous, "The person's earlier listing of the same registry");
  v->callback([=, &exit_code] {
    if (Status st = Verify(*file, *root, *previous); !st.ok()) exit_code = Fail("tracker", "verify", st);
  });

  auto dir = std::make_shared<std::string>("riik-data"), name = std::make_shared<std::string>(),
       log_root = std::make_shared<std::string>();
  CLI::App* log = cmd->add_subcommand("log", "A registry's whole tracker log");
  log->require_subcommand(1);
  CLI::App* lv = log->add_subcommand("verify", "Re-check every record, signed head and timestamp from the store");
  lv->add_option("--dir", *dir, "The data directory")->capture_default_str();
  lv->add_option("--registry", *name, "population, business, tax, bank or education")->required();
  lv->add_option("--ca", *log_root, "The state root certificate (default DIR/trust/root.pem)");
  lv->callback([=, &exit_code] {
    if (Status st = VerifyLog(*dir, *name, *log_root); !st.ok()) exit_code = Fail("tracker", "log verify", st);
  });
}

}  // namespace riik::cli
