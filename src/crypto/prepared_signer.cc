// Signing from a copy of a ready EVP_MD_CTX.
#include "crypto/prepared_signer.h"

#include "crypto/signature.h"

namespace riik {

Result<std::unique_ptr<PreparedSigner>> PreparedSigner::Create(EVP_PKEY* key, const EVP_MD* md) {
  if (key == nullptr || md == nullptr) return InvalidArgument("a prepared signer needs a key and a digest");
  std::unique_ptr<PreparedSigner> signer(new PreparedSigner());
  if (EVP_PKEY_up_ref(key) != 1) return Internal("preparing a signer: " + OpenSslErrors());
  signer->key_.reset(key);
  signer->md_ = md;
  const int size = EVP_PKEY_get_size(key);
  signer->max_size_ = size > 0 ? static_cast<size_t>(size) : 0;
  signer->ready_.reset(EVP_MD_CTX_new());
  if (!signer->ready_ || EVP_DigestSignInit(signer->ready_.get(), nullptr, md, nullptr, key) != 1) {
    return Internal("preparing a signer: " + OpenSslErrors());
  }
  return signer;
}

Result<std::string> PreparedSigner::Sign(std::string_view data) const {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  bool copied = false;
  if (ctx && max_size_ > 0) {
    std::lock_guard lock(mu_);
    copied = EVP_MD_CTX_copy_ex(ctx.get(), ready_.get()) == 1;
  }
  if (!copied) {
    OpenSslErrors();  // clear what the failed copy left
    return SignWith(key_.get(), md_, data);
  }
  // This context is used once: finalising it in place spares OpenSSL a copy of it.
  EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
  std::string signature(max_size_, '\0');
  size_t len = signature.size();
  if (EVP_DigestSignUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len) != 1) {
    OpenSslErrors();  // the copy could not finish it: the whole set-up, once more
    return SignWith(key_.get(), md_, data);
  }
  signature.resize(len);
  prepared_.fetch_add(1, std::memory_order_relaxed);
  return signature;
}

}  // namespace riik
