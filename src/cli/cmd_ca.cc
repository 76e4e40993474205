// `riik ca init|issue|list|revoke`: the state CA from the command line.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "crypto/x509.h"
#include "core/json.h"
#include "net/client.h"
#include "node/node.h"
#include "node/roles/trust_role.h"
#include "trust/ca.h"

namespace riik::cli {
namespace {

struct CaSelect {
  std::string dir = "riik-data";
  std::string passphrase_file;
  std::string ocsp_url;
  std::string ca_issuers_url;
  std::string state_name;
};

void AddCaOptions(CLI::App* cmd, CaSelect& s) {
  cmd->add_option("--dir", s.dir, "Data directory; the CA lives in DIR/trust")->capture_default_str();
  cmd->add_option("--passphrase-file", s.passphrase_file,
                  "File holding the passphrase of the CA keys (else $RIIK_CA_PASSPHRASE)");
}

Result<std::string> Passphrase(const CaSelect& s) {
  if (!s.passphrase_file.empty()) {
    std::ifstream in(s.passphrase_file);
    if (!in) return NotFound("cannot read passphrase file " + s.passphrase_file);
    std::string p;
    std::getline(in, p);
    return p;
  }
  if (const char* env = std::getenv("RIIK_CA_PASSPHRASE")) return std::string(env);
  return InvalidArgument("give the CA key passphrase with --passphrase-file FILE or $RIIK_CA_PASSPHRASE");
}

struct OpenedCa {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<trust::CertificateAuthority> ca;
};

Result<OpenedCa> OpenCa(const CaSelect& s, bool create) {
  std::string trust_dir = s.dir + "/trust";
  if (!create && !std::filesystem::exists(trust_dir + "/root.pem")) {
    return NotFound("no CA under " + trust_dir + "; create it with `riik ca init --dir " + s.dir + "`");
  }
  std::error_code ec;
  std::filesystem::create_directories(trust_dir, ec);
  OpenedCa out;
  store::StoreOptions so{node::DefaultStoreUrl(s.dir, "trust"), "trust"};
  so.owner_wait = std::chrono::milliseconds(300);
  // FailedPrecondition here means a running trust role owns the store.
  ASSIGN_OR_RETURN(out.store, store::Store::Open(so));
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(s));
  trust::CaOptions o;
  o.dir = trust_dir;
  o.passphrase = passphrase;
  o.state_name = s.state_name;
  o.ocsp_url = s.ocsp_url;
  o.ca_issuers_url = s.ca_issuers_url;
  ASSIGN_OR_RETURN(out.ca, trust::CertificateAuthority::Open(*out.store, o));
  return out;
}

// While a trust role runs, it owns the CA's store: `riik ca` then asks it, with the
// admin token from the CA directory, at the URL `riik up` wrote to endpoints.json.
Result<Json> CallTrustRole(const std::string& dir, const std::string& path, const Json& body) {
  std::ifstream ep_in(dir + "/endpoints.json");
  std::stringstream ep_text;
  ep_text << ep_in.rdbuf();
  auto endpoints = ParseJson(ep_text.str());
  std::string url;
  if (endpoints.ok() && endpoints->contains("roles")) {
    for (const auto& [name, role] : (*endpoints)["roles"].items()) {
      if (role.is_object() && role["kind"] == "trust" && role["url"].is_string()) url = role["url"].get<std::string>();
    }
  }
  if (url.empty()) {
    return FailedPrecondition("the CA store is in use by another process, and " + dir +
                              "/endpoints.json names no running trust role to ask");
  }
  std::ifstream token_in(node::AdminTokenPath(dir + "/trust"));
  std::string token;
  if (!std::getline(token_in, token)) return PermissionDenied("cannot read the admin token in " + dir + "/trust");
  net::Headers h;
  h.Add("Authorization", "Bearer " + token);
  h.Add("Content-Type", "application/json");
  ASSIGN_OR_RETURN(net::HttpResponse resp, net::Fetch("POST", url + path, h, body.dump()));
  auto json = ParseJson(resp.body);
  if (resp.status != 200) {
    std::string message = json.ok() && json->is_object() && (*json)["message"].is_string()
                              ? (*json)["message"].get<std::string>()
                              : resp.body.substr(0, 200);
    return Status(resp.status == 404 ? Code::kNotFound : resp.status == 409 ? Code::kFailedPrecondition
                                                                            : Code::kInvalidArgument,
                  message + " (from the trust role at " + url + ")");
  }
  return json;
}

bool OwnedByRunningRole(const Status& st) { return st.code() == Code::kFailedPrecondition; }

int Fail(const char* cmd, const Status& st) {
  std::fprintf(stderr, "riik ca %s: %s\n", cmd, st.message().c_str());
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace

void AddCaCommand(CLI::App& app, int& exit_code) {
  CLI::App* ca = app.add_subcommand("ca", "The state certificate authority: root, eID and organisations CAs");
  ca->require_subcommand(1);
  ca->footer(
      "The root CA (P-384) signs two issuing CAs: one for citizens' eIDs (P-384) and one for\n"
      "organisations and servers (P-256). Keys are kept encrypted in DIR/trust; every\n"
      "issuance and revocation is a journaled transaction of the store 'trust'.\n"
      "Check any certificate with the standard tool:\n"
      "  openssl verify -CAfile DIR/trust/root.pem -untrusted DIR/trust/org.pem cert.pem");

  auto is = std::make_shared<CaSelect>();
  CLI::App* init = ca->add_subcommand("init", "Create the CA hierarchy (once)");
  AddCaOptions(init, *is);
  init->add_option("--name", is->state_name, "Name of the state, used in the CA names (default riik)");
  init->add_option("--ocsp-url", is->ocsp_url, "OCSP responder URL written into certificates (AIA)");
  init->add_option("--ca-issuers-url", is->ca_issuers_url, "Base URL where the CA certificates are published (AIA)");
  init->callback([is, &exit_code] {
    bool existed = std::filesystem::exists(is->dir + "/trust/root.pem");
    auto opened = OpenCa(*is, /*create=*/true);
    if (!opened.ok()) {
      exit_code = Fail("init", opened.status());
      return;
    }
    std::printf("%s CA hierarchy in %s/trust:\n", existed ? "existing" : "created", is->dir.c_str());
    std::printf("  root           %s\n  eID CA         %s\n  organisations  %s\n",
                opened->ca->RootPemPath().c_str(), opened->ca->CaPemPath("eid").c_str(),
                opened->ca->CaPemPath("org").c_str());
  });

  auto ss = std::make_shared<CaSelect>();
  auto profile = std::make_shared<std::string>("tls-server");
  auto cn = std::make_shared<std::string>();
  auto org = std::make_shared<std::string>();
  auto dns = std::make_shared<std::vector<std::string>>();
  auto ips = std::make_shared<std::vector<std::string>>();
  auto days = std::make_shared<int>(365);
  auto out = std::make_shared<std::string>();
  CLI::App* issue = ca->add_subcommand("issue", "Issue an organisation certificate with a new P-256 key");
  AddCaOptions(issue, *ss);
  issue->add_option("--profile", *profile, "tls-server, tls-client, signing, ocsp or tsa")->capture_default_str();
  issue->add_option("--cn", *cn, "Common name")->required();
  issue->add_option("--org", *org, "Organisation name");
  issue->add_option("--dns", *dns, "DNS name (repeatable)");
  issue->add_option("--ip", *ips, "IP address (repeatable)");
  issue->add_option("--days", *days, "Validity in days")->capture_default_str();
  issue->add_option("--out", *out, "Write OUT.pem (certificate + chain) and OUT.key (0600)")->required();
  issue->footer("Example: riik ca issue --profile tls-server --cn registry --dns localhost --ip 127.0.0.1 --out registry");
  issue->callback([=, &exit_code] {
    auto p = trust::ParseProfile(*profile);
    if (!p.ok()) {
      exit_code = Fail("issue", p.status());
      return;
    }
    auto key = GenerateEcKey("P-256");
    auto key_pem = key.ok() ? PrivateKeyPem(key->get()) : Result<std::string>(key.status());
    if (!key_pem.ok()) {
      exit_code = Fail("issue", key_pem.status());
      return;
    }
    trust::CertificateRecord issued;
    auto opened = OpenCa(*ss, /*create=*/false);
    if (opened.ok()) {
      trust::IssueRequest req;
      req.profile = *p;
      req.common_name = *cn;
      req.organization = *org;
      req.dns_names = *dns;
      req.ip_addresses = *ips;
      req.days = *days;
      req.public_key = key->get();
      auto rec = opened->ca->Issue(req);
      if (!rec.ok()) {
        exit_code = Fail("issue", rec.status());
        return;
      }
      issued = *rec;
    } else if (OwnedByRunningRole(opened.status())) {
      // Only the public key travels; the private key stays here.
      auto pub = PublicKeyPem(key->get());
      Json body = {{"profile", *profile}, {"cn", *cn}, {"org", *org}, {"dns", *dns}, {"ip", *ips}, {"days", *days},
                   {"public_key", pub.ok() ? *pub : ""}};
      auto reply = CallTrustRole(ss->dir, "/admin/issue", body);
      if (!reply.ok()) {
        exit_code = Fail("issue", reply.status());
        return;
      }
      issued.serial = reply->value("serial", "");
      issued.profile = reply->value("profile", "");
      issued.pem = reply->value("pem", "");
    } else {
      exit_code = Fail("issue", opened.status());
      return;
    }
    auto* rec = &issued;
    std::ifstream chain(ss->dir + "/trust/org.pem");
    std::stringstream org_pem;
    org_pem << chain.rdbuf();
    std::ofstream(*out + ".pem") << rec->pem << org_pem.str();
    mode_t old = umask(077);
    std::ofstream(*out + ".key") << *key_pem;
    umask(old);
    std::printf("issued %s serial %s\n  %s.pem\n  %s.key\n", rec->profile.c_str(), rec->serial.c_str(), out->c_str(),
                out->c_str());
  });

  auto ls = std::make_shared<CaSelect>();
  CLI::App* list = ca->add_subcommand("list", "List every certificate the CA issued, with its status");
  list->add_option("--dir", ls->dir, "Data directory")->capture_default_str();
  list->callback([ls, &exit_code] {
    store::StoreOptions o{node::DefaultStoreUrl(ls->dir, "trust"), "trust"};
    o.read_only = true;
    auto st = store::Store::Open(o);
    if (!st.ok()) {
      exit_code = Fail("list", st.status());
      return;
    }
    auto rows = (*st)->Query("SELECT serial, ca, profile, status, not_after, subject FROM certificates ORDER BY not_before");
    if (!rows.ok()) {
      exit_code = Fail("list", rows.status());
      return;
    }
    std::printf("%-34s %-5s %-10s %-8s %-11s %s\n", "SERIAL", "CA", "PROFILE", "STATUS", "EXPIRES", "SUBJECT");
    for (auto& r : *rows) {
      auto text = [&](const char* c) {
        auto* v = std::get_if<std::string>(&r[c]);
        return v ? *v : std::string();
      };
      auto* exp = std::get_if<int64_t>(&r["not_after"]);
      std::string expires = exp ? FormatRfc3339(*exp).substr(0, 10) : "";
      std::printf("%-34s %-5s %-10s %-8s %-11s %s\n", text("serial").c_str(), text("ca").c_str(),
                  text("profile").c_str(), text("status").c_str(), expires.c_str(), text("subject").c_str());
    }
  });

  auto rs = std::make_shared<CaSelect>();
  auto serial = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>("unspecified");
  CLI::App* revoke = ca->add_subcommand("revoke", "Revoke a certificate (journaled)");
  AddCaOptions(revoke, *rs);
  revoke->add_option("--serial", *serial, "Serial number in hex, as `riik ca list` shows it")->required();
  revoke->add_option("--reason", *reason, "RFC 5280 reason: keyCompromise, superseded, cessationOfOperation, …")
      ->capture_default_str();
  revoke->callback([=, &exit_code] {
    auto opened = OpenCa(*rs, /*create=*/false);
    Status done;
    if (opened.ok()) {
      done = opened->ca->Revoke(*serial, *reason).status();
    } else if (OwnedByRunningRole(opened.status())) {
      done = CallTrustRole(rs->dir, "/admin/revoke", Json{{"serial", *serial}, {"reason", *reason}}).status();
    } else {
      done = opened.status();
    }
    if (!done.ok()) {
      exit_code = Fail("revoke", done);
      return;
    }
    std::printf("revoked %s (%s)\n", serial->c_str(), reason->c_str());
  });
}

}  // namespace riik::cli
