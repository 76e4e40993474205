// Reaching the CA directly or through the running trust role.
#include "cli/ca_access.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crypto/x509.h"
#include "node/admin_api.h"
#include "node/node.h"

namespace riik::cli {
namespace {

trust::CertificateRecord RecordFromJson(const Json& j) {
  trust::CertificateRecord r;
  auto text = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  r.serial = text("serial");
  r.ca = text("ca");
  r.profile = text("profile");
  r.subject = text("subject");
  r.status = text("status");
  r.pem = text("pem");
  if (!text("reason").empty()) r.reason = text("reason");
  return r;
}

}  // namespace

void AddCaOptions(CLI::App* cmd, CaSelect& s) {
  cmd->add_option("--dir", s.dir, "Data directory; the CA lives in DIR/trust")->capture_default_str();
  cmd->add_option("--passphrase-file", s.passphrase_file,
                  "File holding the passphrase of the CA keys (else $RIIK_CA_PASSPHRASE)");
}

Result<std::string> Passphrase(const CaSelect& s) {
  if (!s.passphrase_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadSecretFile(s.passphrase_file));
    return text.substr(0, text.find('\n'));
  }
  if (const char* env = std::getenv("RIIK_CA_PASSPHRASE")) return std::string(env);
  return InvalidArgument("give the CA key passphrase with --passphrase-file FILE or $RIIK_CA_PASSPHRASE");
}

Result<CaAccess> CaAccess::Connect(const CaSelect& s, bool create) {
  std::string trust_dir = s.dir + "/trust";
  if (!create && !std::filesystem::exists(trust_dir + "/root.pem")) {
    return NotFound("no CA under " + trust_dir + "; create it with `riik ca init --dir " + s.dir + "`");
  }
  RETURN_IF_ERROR(MakePrivateDirectory(trust_dir));
  CaAccess out;
  std::string url = s.trust_url.empty() ? RoleUrl(s.dir, "trust") : s.trust_url;
  out.admin_ = AdminClient(url, node::AdminTokenPath(s.dir + "/trust"));
  store::StoreOptions so{node::DefaultStoreUrl(s.dir, "trust"), "trust"};
  so.owner_wait = std::chrono::milliseconds(300);
  auto opened = store::Store::Open(so);
  // FailedPrecondition: a running trust role owns the store; ask it instead.
  if (!opened.ok() && opened.status().code() == Code::kFailedPrecondition && !create) {
    if (!out.admin_.configured()) {
      return FailedPrecondition("the CA store is in use by another process, and " + s.dir +
                                "/endpoints.json names no running trust role to ask");
    }
    return out;
  }
  if (!opened.ok()) return opened.status();
  out.store_ = std::move(*opened);
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(s));
  trust::CaOptions o;
  o.dir = trust_dir;
  o.passphrase = passphrase;
  o.state_name = s.state_name;
  o.ocsp_url = s.ocsp_url;
  o.ca_issuers_url = s.ca_issuers_url;
  ASSIGN_OR_RETURN(out.ca_, trust::CertificateAuthority::Open(*out.store_, o));
  return out;
}

Result<trust::CertificateRecord> CaAccess::Issue(const trust::IssueRequest& req) {
  if (ca_) return ca_->Issue(req);
  // Only the public key travels; the private key stays here.
  ASSIGN_OR_RETURN(std::string pub, PublicKeyPem(req.public_key));
  Json body = {{"profile", std::string(trust::ProfileName(req.profile))},
               {"cn", req.common_name},
               {"org", req.organization},
               {"dns", req.dns_names},
               {"ip", req.ip_addresses},
               {"days", req.days},
               {"public_key", pub}};
  ASSIGN_OR_RETURN(Json reply, admin_.Call("/admin/issue", body));
  return RecordFromJson(reply);
}

Result<trust::CertificateRecord> CaAccess::IssueEid(const trust::EidRequest& req) {
  if (ca_) return ca_->IssueEid(req);
  ASSIGN_OR_RETURN(std::string pub, PublicKeyPem(req.public_key));
  Json body = {{"key", std::string(trust::EidKeyName(req.key))},
               {"code", req.personal_code},
               {"given", req.given_name},
               {"surname", req.surname},
               {"email_domain", req.email_domain},
               {"days", req.days},
               {"public_key", pub}};
  ASSIGN_OR_RETURN(Json reply, admin_.Call("/admin/issue-eid", body));
  return RecordFromJson(reply);
}

Result<trust::CertificateRecord> CaAccess::Revoke(const std::string& serial, const std::string& reason) {
  if (ca_) return ca_->Revoke(serial, reason);
  ASSIGN_OR_RETURN(Json reply, admin_.Call("/admin/revoke", Json{{"serial", serial}, {"reason", reason}}));
  return RecordFromJson(reply);
}

Result<std::vector<trust::CertificateRecord>> CaAccess::RevokePerson(const std::string& code,
                                                                     const std::string& reason) {
  if (!ca_) {
    ASSIGN_OR_RETURN(Json reply, admin_.Call("/admin/revoke", Json{{"code", code}, {"reason", reason}}));
    std::vector<trust::CertificateRecord> out;
    if (reply.contains("revoked") && reply["revoked"].is_array()) {
      for (const auto& r : reply["revoked"]) out.push_back(RecordFromJson(r));
    }
    return out;
  }
  return ca_->RevokePerson(code, reason);
}

}  // namespace riik::cli
