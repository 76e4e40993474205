// The demo data embassy.
#include "cli/demo_embassy.h"

#include <openssl/rand.h>

#include <filesystem>

#include "cli/demo_exchange.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "embassy/master_key.h"
#include "node/node.h"
#include "registry/registry.h"

namespace riik::cli {
namespace {

constexpr int kCustodians = 5, kThreshold = 3;

// Five custodians with random 8-digit PINs, written beside their shares (demo only).
Status EnsureDemoCustody(const std::string& custody) {
  if (std::filesystem::exists(custody + "/master.pub")) return OkStatus();
  std::vector<std::string> pins;
  for (int i = 1; i <= kCustodians; ++i) {
    unsigned char r[4];
    if (RAND_bytes(r, sizeof r) != 1) return Internal("no randomness for the custodians' PINs");
    uint32_t n = (uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3]) % 100000000;
    char pin[12];
    std::snprintf(pin, sizeof pin, "%08u", n);
    pins.emplace_back(pin);
  }
  RETURN_IF_ERROR(MakePrivateDirectory(custody));
  for (int i = 1; i <= kCustodians; ++i) {
    RETURN_IF_ERROR(WriteFileAtomic(custody + "/share-" + std::to_string(i) + ".pin", pins[i - 1] + "\n", true));
  }
  // The state root, sealed in every share: a restore knows it from the shares alone.
  ASSIGN_OR_RETURN(UniquePtr<X509> root,
                   ReadCertificatePemFile(std::filesystem::path(custody).parent_path().string() + "/trust/root.pem"));
  // The PINs lie beside their shares: a costlier Argon2id would only slow every start.
  return embassy::SplitNewMasterKey(custody, kThreshold, pins, CertificateDer(root.get()),
                                    embassy::PinHardness::kInteractive)
      .status();
}

// What a restored state needs besides its stores: the CA's and the servers' keys and
// certificates, the development TLS identity, the shipping identity. Not the custody
// shares (custodians hold them), the citizens' tokens (theirs), nor the embassy.
std::string VaultPaths() {
  std::string paths = "tls,trust,central,shipping";
  for (const registry::RegistryInfo& r : registry::Registries()) {
    paths += "," + node::RoleStoreName(std::string("ss-") + r.name);
    paths += "," + node::RoleStoreName(std::string("registry-") + r.name);  // its TLS certificate and admin token
  }
  // The vote service's certificates, admin token and pseudonym secret, and the election's
  // set-up (not the trustees' key shares: theirs).
  paths += "," + node::RoleStoreName("vote") + ",election";
  return paths;
}

// The stores `riik up`'s node has: what its sender may ship.
std::string HomeNodeNames() { return "node,trust,central,vault,registry_*,ss_*,sign,portal,vote"; }

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

Result<DemoEmbassy> PrepareDemoEmbassy(CaAccess& ca, const std::string& dir, const std::string& passphrase_file,
                                       int port, bool synchronous) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
  std::string passphrase = text.substr(0, text.find('\n'));
  RETURN_IF_ERROR(EnsureDemoCustody(dir + "/custody"));
  std::string shipping_dir = dir + "/shipping";
  ASSIGN_OR_RETURN(std::string sender, EnsureServerCertificates(ca, shipping_dir, passphrase, "EE riik home node"));

  DemoEmbassy e;
  e.dir = dir + "/embassy-lu";
  e.port = port;
  e.url = "https://127.0.0.1:" + std::to_string(port);
  e.archive_dir = e.dir + "/archive";
  ASSIGN_OR_RETURN(std::string own, EnsureServerCertificates(ca, e.dir, passphrase, "EE data embassy (Luxembourg)"));
  (void)own;
  std::string root = dir + "/trust/root.pem";
  std::string signer_copy = e.dir + "/home-signer.pem";
  ASSIGN_OR_RETURN(std::string signer_pem, ReadFile(shipping_dir + "/signing.pem"));
  RETURN_IF_ERROR(WriteFileAtomic(signer_copy, signer_pem, /*secret=*/false));
  e.config_path = e.dir + "/embassy.toml";
  std::string toml =
      "# The data embassy's node, written by riik up (a stand-in for the site abroad).\n"
      "data_dir = " +
      Quoted(e.dir) +
      "\n\n"
      "[[role]]\nkind = \"embassy\"\nname = \"embassy-lu\"\n"
      "listen = \"127.0.0.1:" +
      std::to_string(port) +
      "\"\n"
      "trust_root = " +
      Quoted(root) +
      "\n"
      "senders = " +
      Quoted(sender) +
      "\n"
      // The home node ships these stores, signed by its shipping certificate (a copy
      // kept at the embassy's site).
      "\"sender_nodes." +
      sender + "\" = " + Quoted(HomeNodeNames()) + "\n\"sender_signer." + sender + "\" = " + Quoted(signer_copy) +
      "\n"
      "archive_dir = " +
      Quoted(e.archive_dir) +
      "\n"
      "[role.tls]\ncert = " +
      Quoted(e.dir + "/auth.pem") + "\nkey = " + Quoted(e.dir + "/auth.key") + "\nclient_ca = " + Quoted(root) + "\n";
  RETURN_IF_ERROR(WriteFileAtomic(e.config_path, toml, /*secret=*/false));

  e.shipping = node::RoleConfig{"shipping", "shipping", {}, {}};
  e.shipping.settings = {{"embassies", e.url},
                         {"mode", synchronous ? "sync" : "async"},
                         {"tls_cert", shipping_dir + "/auth.pem"},
                         {"tls_key", shipping_dir + "/auth.key"},
                         {"trust_root", root},
                         {"signing_cert", shipping_dir + "/signing.pem"},
                         {"signing_key", shipping_dir + "/signing.key"},
                         {"key_passphrase_file", passphrase_file},
                         {"master_public", dir + "/custody/master.pub"},
                         // Small, so the demo's stores are snapshotted and a restore
                         // starts from a snapshot (a real node: the default, 256 MiB);
                         // later ones wait for as much journal as the last one's file.
                         {"snapshot_every_kib", "256"},
                         {"vault", VaultPaths()}};
  return e;
}

}  // namespace riik::cli
