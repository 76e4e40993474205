// Reading role certificates and keys, who may call a member's backend, and a member's log options.
#include "node/role_keys.h"

#include <openssl/crypto.h>

#include <chrono>

#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "trust/http_timestamper.h"

namespace riik::node {

Result<std::vector<UniquePtr<X509>>> ReadChain(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  auto chain = ParseCertificatesPem(pem);
  if (!chain.ok()) return InvalidArgument(path + " holds no PEM certificate");
  return chain;
}

Result<UniquePtr<EVP_PKEY>> ReadKey(const std::string& path, const std::string& passphrase_file) {
  std::string passphrase;
  if (!passphrase_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadSecretFile(passphrase_file));
    passphrase = text.substr(0, text.find('\n'));
    OPENSSL_cleanse(text.data(), text.size());
  }
  auto pem = ReadSecretFile(path);
  auto key = pem.ok() ? ParsePrivateKeyPem(*pem, passphrase) : Result<UniquePtr<EVP_PKEY>>(pem.status());
  OPENSSL_cleanse(passphrase.data(), passphrase.size());
  if (pem.ok()) OPENSSL_cleanse(pem->data(), pem->size());
  return key;
}

Result<std::set<std::string>> ReadPins(const std::vector<std::string>& paths) {
  std::set<std::string> pins;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(auto chain, ReadChain(path));
    pins.insert(CertificateSha256Hex(chain[0].get()));
  }
  return pins;
}

Status CheckPinned(const std::set<std::string>& pins, X509* leaf, std::string_view who) {
  if (leaf == nullptr) return PermissionDenied("no client certificate: " + std::string(who) + " may call here");
  if (pins.count(CertificateSha256Hex(leaf)) == 0) {
    return PermissionDenied("the certificate " + SubjectString(leaf) + " is refused: " + std::string(who) +
                            " may call here");
  }
  return OkStatus();
}

Result<std::set<std::string>> ListenerPins(const RoleConfig& role, std::string_view who) {
  std::string name(who);
  if (!role.listen.tls) {
    if (role.Setting("plain_http") != "development") {
      return InvalidArgument(
          name +
          " listens with mutual TLS for its security server (tls.cert, tls.key, tls.client_ca and "
          "exchange_cert); plain HTTP, where anyone on the network could call as any member, only with "
          "plain_http = \"development\"");
    }
    return std::set<std::string>();
  }
  if (role.listen.tls->client_ca_file.empty()) {
    return InvalidArgument(name +
                           "'s listener needs tls.client_ca (the state root) to authenticate its security server");
  }
  std::vector<std::string> certs = role.List("exchange_cert");
  if (certs.empty()) {
    return InvalidArgument("exchange_cert must name the certificate of the security server that calls " + name);
  }
  return ReadPins(certs);
}

Result<transparency::SignedLogOptions> MemberLogOptions(Node& node, const RoleConfig& role) {
  transparency::SignedLogOptions log;
  ASSIGN_OR_RETURN(std::string cert_file, role.Required("signing_cert", "the member's signing certificate"));
  ASSIGN_OR_RETURN(log.certificate_chain, ReadChain(cert_file));
  ASSIGN_OR_RETURN(std::string key_file, role.Required("signing_key", "the key of signing_cert"));
  ASSIGN_OR_RETURN(log.signing_key, ReadKey(key_file, role.Setting("key_passphrase_file")));
  ASSIGN_OR_RETURN(std::string trust_root, role.Required("trust_root", "the state root certificate"));
  ASSIGN_OR_RETURN(auto roots, ReadChain(trust_root));
  log.trust_root = std::move(roots[0]);
  std::string tsa_url = role.Setting("tsa_url");
  for (const auto& r : node.roles()) {
    if (tsa_url.empty() && r.kind == "trust") tsa_url = r.url + "/tsa";
  }
  if (!tsa_url.empty()) {
    log.timestamp = trust::HttpTimestamper(
        [tsa_url] { return tsa_url; }, net::ClientOptions{.ca_file = trust_root, .timeout = std::chrono::seconds(10)});
  }
  return log;
}

Result<net::ClientOptions> ExchangeClientTls(const RoleConfig& role, const std::string& url) {
  net::ClientOptions tls;
  if (!url.starts_with("https://")) return tls;
  ASSIGN_OR_RETURN(tls.ca_file, role.Required("trust_root", "the state root certificate"));
  std::string own_cert = role.listen.tls ? role.listen.tls->cert_file : "";
  std::string own_key = role.listen.tls ? role.listen.tls->key_file : "";
  tls.cert_file = role.Setting("client_cert", own_cert);
  tls.key_file = role.Setting("client_key", own_key);
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return InvalidArgument("client_cert and client_key: the subsystem's certificate its security server knows it by");
  }
  return tls;
}

}  // namespace riik::node
