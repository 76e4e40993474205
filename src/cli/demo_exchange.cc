// The demo exchange set-up for `riik up`.
#include "cli/demo_exchange.h"

#include <filesystem>

#include "core/file.h"
#include "crypto/x509.h"
#include "exchange/central_registry.h"
#include "node/node.h"

namespace riik::cli {
namespace {

struct DemoMember {
  const char* id;
  const char* name;
  const char* subsystem;
  std::vector<std::pair<const char*, const char*>> services;  // code, description
};

// The registries of the next issue, as members of the exchange.
const DemoMember kDemoMembers[] = {
    {"EE/GOV/70000001", "Population Register", "population",
     {{"person", "a person's names, birth date, status"}, {"address", "a person's address and its history"},
      {"family", "parents, children, spouse"}}},
    {"EE/GOV/70000310", "Tax and Customs Board", "tax", {{"income", "employer-reported income"}}},
    {"EE/COM/10060701", "Demo Bank", "bank", {{"interest", "interest earned per year"}}},
    {"EE/GOV/70000740", "Education Register", "education", {{"pupil", "enrolment of a pupil"}}},
};

Status SeedRegistry(const std::string& dir) {
  ASSIGN_OR_RETURN(auto store, store::Store::Open(store::StoreOptions{node::DefaultStoreUrl(dir, "central"), "central"}));
  ASSIGN_OR_RETURN(auto registry, exchange::CentralRegistry::Open(*store, "EE"));
  for (const auto& m : kDemoMembers) {
    ASSIGN_OR_RETURN(exchange::MemberId member, exchange::ParseMemberId(m.id));
    Status st = registry->AddMember(member, m.name);
    if (st.code() == Code::kAlreadyExists) continue;  // seeded on an earlier start
    RETURN_IF_ERROR(st);
    exchange::ClientId sub{member, m.subsystem};
    RETURN_IF_ERROR(registry->AddSubsystem(sub));
    for (const auto& [code, description] : m.services) {
      RETURN_IF_ERROR(registry->AddService(exchange::ServiceId{sub, code}, description));
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::map<std::string, std::string>> PrepareCentral(CaAccess& ca, const std::string& dir,
                                                          const std::string& passphrase_file) {
  std::string central = dir + "/central";
  std::error_code ec;
  std::filesystem::create_directories(central, ec);
  if (ec) return Unavailable("cannot create " + central + ": " + ec.message());
  std::string cert_path = central + "/signing.pem", key_path = central + "/signing.key";
  if (!std::filesystem::exists(cert_path) || !std::filesystem::exists(key_path)) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
    std::string passphrase = text.substr(0, text.find('\n'));
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
    trust::IssueRequest req;
    req.profile = trust::Profile::kMemberSigning;
    req.common_name = "EE central authority";
    req.organization = "riik";
    req.public_key = key.get();
    req.days = 825;
    ASSIGN_OR_RETURN(trust::CertificateRecord rec, ca.Issue(req));
    ASSIGN_OR_RETURN(std::string key_pem, EncryptedPrivateKeyPem(key.get(), passphrase));
    RETURN_IF_ERROR(WriteFileAtomic(key_path, key_pem, /*secret=*/true));
    RETURN_IF_ERROR(WriteFileAtomic(cert_path, rec.pem, /*secret=*/false));
  }
  ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
  exchange::TrustAnchor anchor{"EE", {cert_pem}};
  RETURN_IF_ERROR(WriteFileAtomic(central + "/anchor.json", anchor.ToJson(), /*secret=*/false));
  RETURN_IF_ERROR(SeedRegistry(dir));
  return std::map<std::string, std::string>{{"signing_cert", cert_path},
                                            {"signing_key", key_path},
                                            {"key_passphrase_file", passphrase_file},
                                            {"instance", "EE"}};
}

}  // namespace riik::cli
