// Reading role certificates and keys.
#include "node/role_keys.h"

#include "core/file.h"
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
    ASSIGN_OR_RETURN(std::string text, ReadFile(passphrase_file));
    passphrase = text.substr(0, text.find('\n'));
  }
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  return ParsePrivateKeyPem(pem, passphrase);
}

}  // namespace riik::node
