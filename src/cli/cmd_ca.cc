// `riik ca init|issue|list|revoke`: the state CA from the command line.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/ca_access.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "trust/ca.h"

namespace riik::cli {

void AddCaCommand(CLI::App& app, int& exit_code) {
  CLI::App* ca = app.add_subcommand("ca", "The state certificate authority: root, eID and organisations CAs");
  ca->require_subcommand(1);
  ca->footer(
      "The root CA (P-384) signs two issuing CAs: one for citizens' eIDs (P-384) and one for\n"
      "organisations and servers (P-256). Keys are kept encrypted in DIR/trust; every\n"
      "issuance and revocation is a journaled transaction of the store 'trust'.\n"
      "Check any certificate with the standard tool:\n"
      "  openssl verify -CAfile DIR/trust/root.pem -untrusted DIR/trust/org.pem cert.pem\n"
      "Examples:\n"
      "  riik ca list --dir riik-data\n"
      "  riik ca issue --dir riik-data --profile tls-server --cn api.example.ee --dns api.example.ee --out api");

  auto is = std::make_shared<CaSelect>();
  CLI::App* init = ca->add_subcommand("init", "Create the CA hierarchy (once)");
  AddCaOptions(init, *is);
  init->add_option("--name", is->state_name, "Name of the state, used in the CA names (default riik)");
  init->add_option("--ocsp-url", is->ocsp_url, "OCSP responder URL written into certificates (AIA)");
  init->add_option("--ca-issuers-url", is->ca_issuers_url, "Base URL where the CA certificates are published (AIA)");
  init->callback([is, &exit_code] {
    bool existed = std::filesystem::exists(is->dir + "/trust/root.pem");
    auto opened = CaAccess::Connect(*is, /*create=*/true);
    if (!opened.ok()) {
      exit_code = Fail("ca", "init", opened.status());
      return;
    }
    trust::CertificateAuthority* made = opened->local();
    std::printf("%s CA hierarchy in %s/trust:\n", existed ? "existing" : "created", is->dir.c_str());
    std::printf("  root           %s\n  eID CA         %s\n  organisations  %s\n", made->RootPemPath().c_str(),
                made->CaPemPath("eid").c_str(), made->CaPemPath("org").c_str());
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
  issue
      ->add_option("--profile", *profile,
                   "tls-server, tls-client, auth or signing (the trust role makes its own ocsp, tsa and tsl "
                   "certificates)")
      ->capture_default_str();
  issue->add_option("--cn", *cn, "Common name")->required();
  issue->add_option("--org", *org, "Organisation name");
  issue->add_option("--dns", *dns, "DNS name (repeatable)");
  issue->add_option("--ip", *ips, "IP address (repeatable)");
  issue->add_option("--days", *days, "Validity in days")->capture_default_str();
  issue->add_option("--out", *out, "Write OUT.pem (certificate + chain) and OUT.key (0600)")->required();
  issue->footer(
      "Example: riik ca issue --profile tls-server --cn registry --dns localhost --ip 127.0.0.1 --out registry");
  issue->callback([=, &exit_code] {
    auto p = trust::ParseProfile(*profile);
    if (!p.ok()) {
      exit_code = Fail("ca", "issue", p.status());
      return;
    }
    auto key = GenerateEcKey("P-256");
    auto key_pem = key.ok() ? PrivateKeyPem(key->get()) : Result<std::string>(key.status());
    if (!key_pem.ok()) {
      exit_code = Fail("ca", "issue", key_pem.status());
      return;
    }
    auto access = CaAccess::Connect(*ss);
    trust::IssueRequest req;
    req.profile = *p;
    req.common_name = *cn;
    req.organization = *org;
    req.dns_names = *dns;
    req.ip_addresses = *ips;
    req.days = *days;
    req.public_key = key->get();
    auto issued = access.ok() ? access->Issue(req) : Result<trust::CertificateRecord>(access.status());
    if (!issued.ok()) {
      exit_code = Fail("ca", "issue", issued.status());
      return;
    }
    const trust::CertificateRecord* rec = &*issued;
    std::ifstream chain(ss->dir + "/trust/org.pem");
    std::stringstream org_pem;
    org_pem << chain.rdbuf();
    Status written = WriteFileAtomic(*out + ".key", *key_pem, /*secret=*/true);
    if (written.ok()) written = WriteFileAtomic(*out + ".pem", rec->pem + org_pem.str(), /*secret=*/false);
    if (!written.ok()) {
      exit_code = Fail("ca", "issue", written);
      return;
    }
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
      exit_code = Fail("ca", "list", st.status());
      return;
    }
    auto rows =
        (*st)->Query("SELECT serial, ca, profile, status, not_after, subject FROM certificates ORDER BY not_before");
    if (!rows.ok()) {
      exit_code = Fail("ca", "list", rows.status());
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
  auto code = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>("unspecified");
  CLI::App* revoke =
      ca->add_subcommand("revoke", "Revoke a certificate, or every eID certificate of a person (journaled)");
  AddCaOptions(revoke, *rs);
  auto* by_serial = revoke->add_option("--serial", *serial, "Serial number in hex, as `riik ca list` shows it");
  auto* by_code = revoke->add_option("--code", *code, "Personal code: revoke both certificates of that person's eID");
  by_serial->excludes(by_code);
  revoke->add_option("--reason", *reason, "RFC 5280 reason: keyCompromise, superseded, cessationOfOperation, …")
      ->capture_default_str();
  revoke->footer(
      "Examples:\n  riik ca revoke --serial 5F3A… --reason superseded\n"
      "  riik ca revoke --code 38001085718 --reason keyCompromise   (a lost ID card)\n"
      "OCSP answers 'revoked' within a second.");
  revoke->callback([=, &exit_code] {
    if (serial->empty() == code->empty()) {
      exit_code = Fail("ca", "revoke", InvalidArgument("give --serial S or --code C"));
      return;
    }
    auto access = CaAccess::Connect(*rs);
    if (!access.ok()) {
      exit_code = Fail("ca", "revoke", access.status());
      return;
    }
    std::vector<trust::CertificateRecord> revoked;
    if (!serial->empty()) {
      auto one = access->Revoke(*serial, *reason);
      if (one.ok())
        revoked.push_back(std::move(*one));
      else
        exit_code = Fail("ca", "revoke", one.status());
    } else {
      auto all = access->RevokePerson(*code, *reason);
      if (all.ok())
        revoked = std::move(*all);
      else
        exit_code = Fail("ca", "revoke", all.status());
    }
    for (const auto& r : revoked) {
      std::printf("revoked %s %s (%s)\n", r.profile.c_str(), r.serial.c_str(), reason->c_str());
    }
  });
}

}  // namespace riik::cli
