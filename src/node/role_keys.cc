// Reading role certificates and keys.
#include "node/role_keys.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/file.h"
#include "crypto/x509.h"

namespace riik::node {

Result<std::vector<UniquePtr<X509>>> ReadChain(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<UniquePtr<X509>> chain;
  while (UniquePtr<X509> cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) chain.push_back(std::move(cert));
  ERR_clear_error();  // the end of the file reads as an error
  if (chain.empty()) return InvalidArgument(path + " holds no PEM certificate");
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
