// SignSha256 and VerifySha256 on EVP_DigestSign/Verify.
#include "crypto/signature.h"

#include "crypto/handles.h"
#include "crypto/x509.h"

namespace riik {

Result<std::string> SignSha256(EVP_PKEY* key, std::string_view data) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes, data.size()) != 1) {
    return Internal("signing: " + OpenSslErrors());
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, bytes, data.size()) != 1) {
    return Internal("signing: " + OpenSslErrors());
  }
  signature.resize(len);
  return signature;
}

Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return Internal("verifying a signature: " + OpenSslErrors());
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  OpenSslErrors();  // clear the queue a bad signature leaves behind
  return ok == 1;
}

}  // namespace riik
