// Digests and signature values by XML-DSig URI (algorithms.h).
#include "sign/algorithms.h"

#include "crypto/handles.h"
#include "crypto/signature.h"

namespace riik::sign {
namespace {

constexpr std::string_view kEcdsaPrefix = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-";
constexpr std::string_view kRsaPrefix = "http://www.w3.org/2001/04/xmldsig-more#rsa-";

}  // namespace

Result<const EVP_MD*> DigestForUri(std::string_view uri) {
  if (uri == kSha256Uri) return EVP_sha256();
  if (uri == kSha384Uri) return EVP_sha384();
  if (uri == kSha512Uri) return EVP_sha512();
  if (uri == "http://www.w3.org/2000/09/xmldsig#sha1") return InvalidArgument("SHA-1 digests are refused");
  return InvalidArgument("unknown digest method \"" + std::string(uri.substr(0, 100)) + "\"");
}

std::string_view DigestUri(const EVP_MD* md) {
  switch (EVP_MD_get_type(md)) {
    case NID_sha384:
      return kSha384Uri;
    case NID_sha512:
      return kSha512Uri;
    default:
      return kSha256Uri;
  }
}

Result<std::string> Hash(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) return Internal("digest: " + OpenSslErrors());
  return std::string(reinterpret_cast<char*>(out), n);
}

Result<SignatureMethod> SignatureMethodForUri(std::string_view uri) {
  SignatureMethod method;
  std::string_view hash;
  if (uri.substr(0, kEcdsaPrefix.size()) == kEcdsaPrefix) {
    method.ecdsa = true;
    hash = uri.substr(kEcdsaPrefix.size());
  } else if (uri.substr(0, kRsaPrefix.size()) == kRsaPrefix) {
    hash = uri.substr(kRsaPrefix.size());
  } else if (uri == "http://www.w3.org/2000/09/xmldsig#rsa-sha1") {
    return InvalidArgument("RSA with SHA-1 is refused");
  } else {
    return InvalidArgument("unknown signature method \"" + std::string(uri.substr(0, 100)) + "\"");
  }
  if (hash == "sha256")
    method.md = EVP_sha256();
  else if (hash == "sha384")
    method.md = EVP_sha384();
  else if (hash == "sha512")
    method.md = EVP_sha512();
  else
    return InvalidArgument("the signature method \"" + std::string(uri.substr(0, 100)) + "\" is refused");
  return method;
}

std::string SignatureMethodUri(const SignatureMethod& method) {
  std::string hash = EVP_MD_get_type(method.md) == NID_sha384   ? "sha384"
                     : EVP_MD_get_type(method.md) == NID_sha512 ? "sha512"
                                                                : "sha256";
  return std::string(method.ecdsa ? kEcdsaPrefix : kRsaPrefix) + hash;
}

Result<SignatureMethod> SignatureMethodFor(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC"))
    return SignatureMethod{EVP_PKEY_get_bits(key) > 256 ? EVP_sha384() : EVP_sha256(), true};
  if (EVP_PKEY_is_a(key, "RSA")) return SignatureMethod{EVP_sha256(), false};
  return InvalidArgument("the signing key is neither EC nor RSA");
}

Result<std::string> SignValue(EVP_PKEY* key, const SignatureMethod& method, std::string_view data) {
  return SignWith(key, method.md, data, method.ecdsa ? SignatureEncoding::kRaw : SignatureEncoding::kDer);
}

Result<bool> VerifyValue(EVP_PKEY* key, const SignatureMethod& method, std::string_view data, std::string_view value) {
  if (!EVP_PKEY_is_a(key, method.ecdsa ? "EC" : "RSA")) return false;
  return VerifyWith(key, method.md, data, value, SignatureEncoding::kRaw);
}

}  // namespace riik::sign
