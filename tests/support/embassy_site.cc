// A throwaway data embassy deployment.
#include "support/embassy_site.h"

#include <filesystem>

#include "core/file.h"
#include "crypto/x509.h"
#include "embassy/master_key.h"

namespace riik::testing {

const std::vector<std::string>& EmbassySite::Pins() {
  static const std::vector<std::string> pins = {"11111111", "22222222", "33333333", "44444444", "55555555"};
  return pins;
}

EmbassySite::~EmbassySite() { embassies_.clear(); }

std::string EmbassySite::archive(size_t which) const {
  return dir_ + "/embassy" + (which ? std::to_string(which) : "") + "/archive";
}
std::string EmbassySite::url(size_t which) const { return which < embassies_.size() ? embassies_[which].url : ""; }
uint16_t EmbassySite::port(size_t which) const { return which < embassies_.size() ? embassies_[which].port : 0; }

void EmbassySite::StopEmbassy(size_t which) {
  if (which < embassies_.size()) embassies_[which].node.reset();
}

Result<std::unique_ptr<EmbassySite>> EmbassySite::Create(const std::string& dir) {
  std::unique_ptr<EmbassySite> site(new EmbassySite(dir));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  ASSIGN_OR_RETURN(site->trust_store_, store::Store::Open(store::StoreOptions{"sqlite:" + dir + "/trust.db", "trust"}));
  trust::CaOptions o;
  o.dir = dir + "/ca";
  o.passphrase = "correct horse battery";
  ASSIGN_OR_RETURN(site->ca_, trust::CertificateAuthority::Open(*site->trust_store_, o));
  site->root_ = dir + "/root.pem";
  RETURN_IF_ERROR(WriteFileAtomic(site->root_, CertificatePem(site->ca_->root_certificate()), false));
  RETURN_IF_ERROR(site->Issue(trust::Profile::kMemberAuth, "EE data embassy (test)", dir + "/embassy-auth").status());
  ASSIGN_OR_RETURN(site->sender_sha_,
                   site->Issue(trust::Profile::kMemberAuth, "EE home node (test)", dir + "/node-auth"));
  RETURN_IF_ERROR(site->Issue(trust::Profile::kMemberSigning, "EE home node (test)", dir + "/node-signing").status());
  RETURN_IF_ERROR(embassy::SplitNewMasterKey(dir + "/custody", 3, Pins(), CertificateDer(site->ca_->root_certificate()),
                                             embassy::PinHardness::kInteractive)
                      .status());
  return site;
}

Result<std::string> EmbassySite::Issue(trust::Profile profile, const std::string& cn, const std::string& base) {
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
  trust::IssueRequest req;
  req.profile = profile;
  req.common_name = cn;
  if (profile == trust::Profile::kMemberAuth) req.ip_addresses = {"127.0.0.1"};
  req.public_key = key.get();
  ASSIGN_OR_RETURN(trust::CertificateRecord rec, ca_->Issue(req));
  RETURN_IF_ERROR(WriteFileAtomic(base + ".pem", rec.pem + CertificatePem(ca_->org_certificate()), false));
  ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(key.get()));
  RETURN_IF_ERROR(WriteFileAtomic(base + ".key", key_pem, true));
  ASSIGN_OR_RETURN(UniquePtr<X509> leaf, ParseCertificatePem(rec.pem));
  return CertificateSha256Hex(leaf.get());
}

Status EmbassySite::StartEmbassy(uint16_t port, size_t which) {
  node::NodeConfig c;
  c.data_dir = dir_ + "/embassy" + (which ? std::to_string(which) : "");
  node::RoleConfig role{"embassy", "embassy", {}, {}};
  role.listen.port = port;
  role.listen.tls = net::TlsServerConfig{dir_ + "/embassy-auth.pem", dir_ + "/embassy-auth.key", root_};
  role.settings = {{"trust_root", root_},
                   {"senders", sender_sha_},
                   {"sender_nodes." + sender_sha_, "*"},  // the test's stores have many names
                   {"sender_signer." + sender_sha_, dir_ + "/node-signing.pem"},
                   {"archive_dir", archive(which)}};
  c.roles.push_back(role);
  if (embassies_.size() <= which) embassies_.resize(which + 1);
  Embassy& e = embassies_[which];
  ASSIGN_OR_RETURN(e.node, node::Node::Start(c));
  e.url = e.node->roles()[0].url;
  e.port = static_cast<uint16_t>(std::stoi(e.url.substr(e.url.rfind(':') + 1)));
  return OkStatus();
}

node::RoleConfig EmbassySite::Shipping(const std::string& mode, int sync_timeout_ms) const {
  node::RoleConfig s{"shipping", "shipping", {}, {}};
  std::string urls;
  for (const Embassy& e : embassies_) urls += (urls.empty() ? "" : ",") + e.url;
  s.settings = {{"embassies", urls},
                {"mode", mode},
                {"sync_timeout_ms", std::to_string(sync_timeout_ms)},
                {"tls_cert", dir_ + "/node-auth.pem"},
                {"tls_key", dir_ + "/node-auth.key"},
                {"trust_root", root_},
                {"signing_cert", dir_ + "/node-signing.pem"},
                {"signing_key", dir_ + "/node-signing.key"},
                {"master_public", dir_ + "/custody/master.pub"}};
  return s;
}

std::vector<embassy::OpenedShare> EmbassySite::Shares(std::initializer_list<int> which,
                                                      const std::string& custody) const {
  std::vector<embassy::OpenedShare> out;
  for (int i : which) {
    std::string path = (custody.empty() ? dir_ + "/custody" : custody) + "/share-" + std::to_string(i) + ".json";
    auto file = ReadFile(path);
    out.push_back({file.ok() ? *file : "", Pins()[static_cast<size_t>(i - 1)], path});
  }
  return out;
}

}  // namespace riik::testing
