// Signing and verifying on EVP_DigestSign/Verify; ECDSA r‖s and DER conversions.
#include "crypto/signature.h"

#include <openssl/ecdsa.h>

#include "crypto/handles.h"

namespace riik {
namespace {

const unsigned char* AsUnsigned(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// A signature as OpenSSL made it (DER for ECDSA) in the encoding asked for.
Result<std::string> Encode(EVP_PKEY* key, std::string der, SignatureEncoding encoding) {
  if (encoding == SignatureEncoding::kDer || !EVP_PKEY_is_a(key, "EC")) return der;
  return EcdsaDerToRaw(der, EcComponentBytes(key));
}

}  // namespace

int EcComponentBytes(EVP_PKEY* key) { return (EVP_PKEY_get_bits(key) + 7) / 8; }

Result<std::string> EcdsaDerToRaw(std::string_view der, int component_bytes) {
  const unsigned char* p = AsUnsigned(der);
  UniquePtr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != AsUnsigned(der) + der.size()) return InvalidArgument("not a DER ECDSA signature");
  std::string raw(static_cast<size_t>(2 * component_bytes), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, component_bytes) != component_bytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + component_bytes, component_bytes) != component_bytes) {
    OpenSslErrors();
    return InvalidArgument("the ECDSA signature does not fit the curve");
  }
  return raw;
}

Result<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 66) {
    return InvalidArgument("an r||s ECDSA signature has two halves of a curve's size, not " +
                           std::to_string(raw.size()) + " bytes");
  }
  int n = static_cast<int>(raw.size() / 2);
  UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(AsUnsigned(raw), n, nullptr);
  BIGNUM* s = BN_bin2bn(AsUnsigned(raw) + n, n, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Internal("converting an ECDSA signature: " + OpenSslErrors());
  }
  return ToDer(sig.get(), i2d_ECDSA_SIG);
}

Result<std::string> SignWith(EVP_PKEY* key, const EVP_MD* md, std::string_view data, SignatureEncoding encoding) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, AsUnsigned(data), data.size()) != 1) {
    return Internal("signing: " + OpenSslErrors());
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, AsUnsigned(data), data.size()) !=
      1) {
    return Internal("signing: " + OpenSslErrors());
  }
  signature.resize(len);
  return Encode(key, std::move(signature), encoding);
}

Result<std::string> SignDigest(EVP_PKEY* key, const EVP_MD* md, std::string_view digest, SignatureEncoding encoding) {
  if (digest.size() != static_cast<size_t>(EVP_MD_get_size(md))) {
    return InvalidArgument("a " + std::string(EVP_MD_get0_name(md)) + " digest is " +
                           std::to_string(EVP_MD_get_size(md)) + " bytes, not " + std::to_string(digest.size()));
  }
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, AsUnsigned(digest), digest.size()) != 1) {
    return Internal("signing a digest: " + OpenSslErrors());
  }
  std::string signature(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, AsUnsigned(digest),
                    digest.size()) != 1) {
    return Internal("signing a digest: " + OpenSslErrors());
  }
  signature.resize(len);
  return Encode(key, std::move(signature), encoding);
}

Result<bool> VerifyWith(EVP_PKEY* key, const EVP_MD* md, std::string_view data, std::string_view signature,
                        SignatureEncoding encoding) {
  std::string der;
  if (encoding == SignatureEncoding::kRaw && EVP_PKEY_is_a(key, "EC")) {
    if (signature.size() != 2 * static_cast<size_t>(EcComponentBytes(key))) return false;
    ASSIGN_OR_RETURN(der, EcdsaRawToDer(signature));
    signature = der;
  }
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    return Internal("verifying a signature: " + OpenSslErrors());
  }
  int ok = EVP_DigestVerify(ctx.get(), AsUnsigned(signature), signature.size(), AsUnsigned(data), data.size());
  OpenSslErrors();  // clear the queue a bad signature leaves behind
  return ok == 1;
}

Result<std::string> SignSha256(EVP_PKEY* key, std::string_view data) { return SignWith(key, EVP_sha256(), data); }

Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  return VerifyWith(key, EVP_sha256(), data, signature);
}

}  // namespace riik
