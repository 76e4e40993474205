// `riik exchange grant|revoke|rights`: a security server's access rights, on its store
// directly or through the running role's admin API while it owns the store; and
// `riik exchange evidence [verify]`, `riik exchange log verify`: the message log's
// evidence and its whole-log check, read from the store read-only (so they work while
// the security server serves it).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/access_rights.h"
#include "exchange/evidence.h"
#include "exchange/message_log.h"
#include "exchange/message_record.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "node/roles/exchange_role.h"
#include "transparency/stored_log.h"
#include "transparency/verify.h"

namespace riik::cli {
namespace {

using exchange::AccessGrant;
using exchange::AccessRights;

struct ExchangeSelect {
  std::string dir = "riik-data";
  std::string name;    // the role's name; empty: the data directory's only security server
  std::string log_id;  // evidence and log verify: default the store's only log

  std::string store() const { return node::RoleStoreName(name); }
  std::string role_dir() const { return dir + "/" + store(); }
};

void AddSelectOptions(CLI::App* cmd, ExchangeSelect& s) {
  cmd->add_option("--dir", s.dir, "Data directory; the server's store is DIR/NAME/store.db")->capture_default_str();
  cmd->add_option("--name", s.name,
                  "The security server (its role's name; riik up runs ss-population, ss-business, ss-tax, ss-bank, "
                  "ss-education). Default: the data directory's only one");
}

// Fills in --name when the data directory holds exactly one security server's store
// (DIR/ss_*/ or DIR/exchange/); otherwise says which there are.
Status ChooseServer(ExchangeSelect& s) {
  if (!s.name.empty()) return OkStatus();
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(s.dir, ec)) {
    std::string dir = entry.path().filename().string();
    if ((dir.starts_with("ss_") || dir == "exchange") && std::filesystem::exists(entry.path() / "store.db")) {
      std::replace(dir.begin(), dir.end(), '_', '-');
      found.push_back(dir);
    }
  }
  if (ec) return NotFound("cannot read the data directory " + s.dir + ": " + ec.message());
  std::sort(found.begin(), found.end());
  if (found.size() == 1) {
    s.name = found[0];
    return OkStatus();
  }
  if (found.empty()) {
    return NotFound("no security server's store in " + s.dir + ": give --dir, or --name if its role has another name");
  }
  std::string names;
  for (const std::string& n : found) names += (names.empty() ? "" : ", ") + n;
  return InvalidArgument(s.dir + " holds several security servers (" + names + "): choose one with --name");
}

// The running role's URL: endpoints.json lists roles by name.
std::string RunningRoleUrl(const ExchangeSelect& s) {
  auto text = ReadFile(s.dir + "/endpoints.json");
  auto endpoints = text.ok() ? ParseJson(*text) : Result<Json>(text.status());
  if (!endpoints.ok()) return "";
  const Json* role = endpoints->contains("roles") ? &(*endpoints)["roles"] : nullptr;
  if (!role || !role->is_object() || !role->contains(s.name)) return "";
  return (*role)[s.name].value("url", "");
}

Result<std::unique_ptr<store::Store>> OpenStore(const ExchangeSelect& s, bool read_only) {
  std::string path = node::DefaultStorePath(s.dir, s.store());
  if (read_only && !std::filesystem::exists(path)) return NotFound("no security server store at " + path);
  std::error_code ec;
  if (!read_only) std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  store::StoreOptions so{"sqlite:" + path, s.store()};
  so.read_only = read_only;
  so.owner_wait = std::chrono::milliseconds(300);
  return store::Store::Open(so);
}

// A change of the grants: on the store when no process owns it, else through the role.
Status ChangeRights(const ExchangeSelect& s, const std::string& admin_path, const AccessGrant& grant,
                    const std::function<Status(AccessRights&, const AccessGrant&)>& change) {
  auto opened = OpenStore(s, false);
  if (opened.ok()) {
    ASSIGN_OR_RETURN(auto rights, AccessRights::Open(**opened));
    return change(*rights, grant);
  }
  if (opened.status().code() != Code::kFailedPrecondition) return opened.status();
  AdminClient admin(RunningRoleUrl(s), node::AdminTokenPath(s.role_dir()), s.dir + "/trust/root.pem");
  if (!admin.configured()) {
    return FailedPrecondition("the store of " + s.name + " is in use, and " + s.dir +
                              "/endpoints.json names no running role " + s.name + " to ask");
  }
  Json body = grant.ToJson();
  body.erase("granted_at");
  return admin.Call(admin_path, body).status();
}

void AddChangeCommand(CLI::App* exchange, int& exit_code, const char* verb) {
  auto s = std::make_shared<ExchangeSelect>();
  auto fields = std::make_shared<std::map<std::string, std::string>>();
  bool grant = std::string(verb) == "grant";
  CLI::App* cmd = exchange->add_subcommand(
      verb, grant ? "Allow a client subsystem to call a service" : "Take back exactly one earlier grant");
  AddSelectOptions(cmd, *s);
  cmd->add_option("--service", (*fields)["service"], "INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE")->required();
  cmd->add_option("--client", (*fields)["client"], "The client subsystem, INSTANCE/CLASS/CODE/SUBSYSTEM")->required();
  cmd->add_option("--method", (*fields)["method"], "Only this HTTP method (default: any)");
  cmd->add_option("--path", (*fields)["path"],
                  "Only this path below the service and what lies under it (default: any)");
  cmd->callback([=, &exit_code] {
    auto parsed = AccessGrant::FromJson(Json(*fields));
    Status chosen = ChooseServer(*s);
    Status st = !chosen.ok()   ? chosen
                : !parsed.ok() ? parsed.status()
                : grant        ? ChangeRights(*s, "/admin/grant", *parsed,
                                              [](AccessRights& r, const AccessGrant& g) { return r.Grant(g); })
                               : ChangeRights(*s, "/admin/revoke", *parsed,
                                              [](AccessRights& r, const AccessGrant& g) { return r.Revoke(g); });
    if (!st.ok()) {
      exit_code = Fail("exchange", verb, st);
      return;
    }
    Json shown = parsed->ToJson();
    shown.erase("granted_at");
    std::printf("%s: %s\n", grant ? "granted" : "revoked", shown.dump().c_str());
  });
}

void AddRightsCommand(CLI::App* exchange, int& exit_code) {
  auto s = std::make_shared<ExchangeSelect>();
  auto service = std::make_shared<std::string>();
  CLI::App* cmd = exchange->add_subcommand("rights", "List the access rights (read-only; works while the role runs)");
  AddSelectOptions(cmd, *s);
  cmd->add_option("--service", *service, "Only this service's grants");
  cmd->callback([=, &exit_code] {
    Status chosen = ChooseServer(*s);
    auto store = chosen.ok() ? OpenStore(*s, true) : Result<std::unique_ptr<store::Store>>(chosen);
    auto rights =
        store.ok() ? AccessRights::Open(**store, false) : Result<std::unique_ptr<AccessRights>>(store.status());
    auto only =
        service->empty() ? Result<exchange::ServiceId>(exchange::ServiceId{}) : exchange::ParseServiceId(*service);
    if (!rights.ok() || !only.ok()) {
      exit_code = Fail("exchange", "rights", rights.ok() ? only.status() : rights.status());
      return;
    }
    auto grants = (*rights)->List(service->empty() ? nullptr : &*only);
    if (grants.empty()) std::printf("no grants: every call is refused (deny by default)\n");
    for (const auto& g : grants) {
      std::printf("%s  %s  %s %s\n", g.service.ToString().c_str(), g.client.ToString().c_str(),
                  g.method.empty() ? "ANY" : g.method.c_str(), g.path_prefix.empty() ? "/*" : g.path_prefix.c_str());
    }
  });
}

// The log to read: --log-id, or the store's only log.
Result<std::string> LogIdOf(const ExchangeSelect& s, store::Store& store) {
  if (!s.log_id.empty()) return s.log_id;
  ASSIGN_OR_RETURN(std::vector<std::string> ids, transparency::StoredLogIds(store));
  if (ids.size() == 1) return ids[0];
  if (ids.empty()) return NotFound("the store " + s.store() + " holds no signed message log yet");
  return InvalidArgument("the store holds several logs; name one with --log-id");
}

// The evidence of a call just made is complete once the TSA has stamped its head (within
// a second or so): until then, and for at most `wait_s`, it waits rather than refuse.
Status ExportEvidence(const ExchangeSelect& s, const std::string& xroad_id, const std::string& out, int wait_s) {
  ASSIGN_OR_RETURN(auto store, OpenStore(s, true));
  ASSIGN_OR_RETURN(std::string log_id, LogIdOf(s, *store));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  Result<Json> found = exchange::EvidenceFromStore(*store, log_id, xroad_id);
  for (bool told = false;
       !found.ok() && found.status().code() == Code::kUnavailable && std::chrono::steady_clock::now() < deadline;) {
    if (!told) std::fprintf(stderr, "waiting for the timestamp of the call's last tree head…\n");
    told = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    found = exchange::EvidenceFromStore(*store, log_id, xroad_id);
  }
  ASSIGN_OR_RETURN(Json doc, std::move(found));
  ASSIGN_OR_RETURN(std::string text, CanonicalJson(doc));
  if (out.empty()) {
    std::printf("%s\n", text.c_str());
    return OkStatus();
  }
  RETURN_IF_ERROR(WriteFileAtomic(out, text + "\n", false));
  std::fprintf(stderr, "evidence for %s from log %s written to %s\n", xroad_id.c_str(), log_id.c_str(), out.c_str());
  return OkStatus();
}

Status VerifyEvidenceFile(const std::string& file, const std::string& root_path) {
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(file, exchange::kMaxEvidenceBytes));
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(root_path));
  ASSIGN_OR_RETURN(exchange::VerifiedEvidence v, exchange::CheckEvidence(text, root.get()));
  std::printf("evidence for X-Road-Id %s from log %s verifies against %s:\n", v.xroad_id.c_str(), v.log_id.c_str(),
              root_path.c_str());
  for (const auto& e : v.entries) {
    std::printf("  #%lld %s at %s, signed by %s, timestamped %s\n", static_cast<long long>(e.leaf_index),
                e.direction.c_str(), FormatRfc3339(e.record_time).c_str(), e.signer_subject.c_str(),
                FormatRfc3339(e.timestamp_time).c_str());
  }
  return OkStatus();
}

void AddEvidenceCommand(CLI::App* exchange, int& exit_code) {
  auto s = std::make_shared<ExchangeSelect>();
  auto id = std::make_shared<std::string>(), out = std::make_shared<std::string>();
  auto wait_s = std::make_shared<int>(10);
  auto file = std::make_shared<std::string>(), root = std::make_shared<std::string>();
  CLI::App* cmd = exchange->add_subcommand("evidence", "Export the signed, timestamped proof of one message exchange");
  AddSelectOptions(cmd, *s);
  cmd->add_option("--id", *id, "The X-Road-Id");
  cmd->add_option("--out", *out, "Write it here (default: standard output)");
  cmd->add_option("--log-id", s->log_id, "The log (default: the store's only one)");
  cmd->add_option("--wait", *wait_s, "Seconds to wait for the timestamp of a call just made (0: do not wait)")
      ->check(CLI::Range(0, 600))
      ->capture_default_str();
  CLI::App* verify = cmd->add_subcommand("verify", "Check an evidence file offline against the state root");
  verify->add_option("file", *file, "The evidence file")->required();
  verify->add_option("--ca", *root, "The state root certificate (PEM)")->required();
  verify->callback([=, &exit_code] {
    if (Status st = VerifyEvidenceFile(*file, *root); !st.ok()) exit_code = Fail("exchange", "evidence verify", st);
  });
  cmd->callback([=, &exit_code] {
    if (cmd->got_subcommand(verify)) return;
    Status st = id->empty() ? InvalidArgument("give --id X-ROAD-ID (or: riik exchange evidence verify FILE --ca ROOT)")
                            : ChooseServer(*s);
    if (st.ok()) st = ExportEvidence(*s, *id, *out, *wait_s);
    if (!st.ok()) exit_code = Fail("exchange", "evidence", st);
  });
}

void AddLogCommand(CLI::App* exchange, int& exit_code) {
  auto s = std::make_shared<ExchangeSelect>();
  auto root = std::make_shared<std::string>();
  CLI::App* log = exchange->add_subcommand("log", "The security server's message log");
  log->require_subcommand(1);
  CLI::App* verify = log->add_subcommand("verify", "Re-check every record, signed tree head and timestamp");
  AddSelectOptions(verify, *s);
  verify->add_option("--log-id", s->log_id, "The log (default: the store's only one)");
  verify->add_option("--ca", *root, "The state root certificate (default DIR/trust/root.pem)");
  verify->callback([=, &exit_code] {
    auto run = [&]() -> Status {
      RETURN_IF_ERROR(ChooseServer(*s));
      ASSIGN_OR_RETURN(auto store, OpenStore(*s, true));
      ASSIGN_OR_RETURN(std::string log_id, LogIdOf(*s, *store));
      ASSIGN_OR_RETURN(UniquePtr<X509> ca, ReadCertificatePemFile(root->empty() ? s->dir + "/trust/root.pem" : *root));
      ASSIGN_OR_RETURN(transparency::VerifiedLog found,
                       transparency::VerifyLog(*store, log_id, ca.get(), exchange::CheckMessageLeaf));
      std::printf("message log %s: every record, tree head and timestamp verifies (%s)\n", log_id.c_str(),
                  transparency::VerifiedSummary(found).c_str());
      return OkStatus();
    };
    if (Status st = run(); !st.ok()) exit_code = Fail("exchange", "log verify", st);
  });
}

}  // namespace

void AddExchangeCommand(CLI::App& app, int& exit_code) {
  CLI::App* exchange = app.add_subcommand("exchange", "A security server: access rights, message evidence");
  exchange->require_subcommand(1);
  exchange->footer(
      "Grants change the store DIR/NAME (the role's name, '-' as '_') directly, or go through\n"
      "the running role's admin API. Evidence and log checks read the store read-only.\n"
      "Protocol and errors: docs/exchange.md. Example:\n"
      "  riik exchange grant --name ss-population --service EE/GOV/70000013/population/person \\\n"
      "      --client EE/GOV/70000349/tax --method GET --path /persons\n"
      "  riik exchange evidence --name ss-tax --id 7f0c… --out call.json\n"
      "  riik exchange evidence verify call.json --ca riik-data/trust/root.pem");
  AddChangeCommand(exchange, exit_code, "grant");
  AddChangeCommand(exchange, exit_code, "revoke");
  AddRightsCommand(exchange, exit_code);
  AddEvidenceCommand(exchange, exit_code);
  AddLogCommand(exchange, exit_code);
}

}  // namespace riik::cli
