// Reading role certificates and keys.
#include "node/role_keys.h"

#include <openssl/crypto.h>

#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"

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
    pins.insert(DigestHex(Sha256(CertificateDer(chain[0].get()))));
  }
  return pins;
}

Status CheckPinned(const std::set<std::string>& pins, X509* leaf, std::string_view who) {
  if (leaf == nullptr) return PermissionDenied("no client certificate: " + std::string(who) + " may call here");
  if (pins.count(DigestHex(Sha256(CertificateDer(leaf)))) == 0) {
    return PermissionDenied("the certificate " + SubjectString(leaf) + " is refused: " + std::string(who) +
                            " may call here");
  }
  return OkStatus();
}

}  // namespace riik::node
