// The algorithms XML-DSig names by URI, as riik's signatures and DigiDoc's use them:
// digests (SHA-256/384/512) and signature methods (ECDSA and RSA PKCS#1 v1.5 with those
// digests). ECDSA values in XML-DSig are r‖s, each the curve's size (RFC 4050), not DER.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::sign {

inline constexpr std::string_view kSha256Uri = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr std::string_view kSha384Uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
inline constexpr std::string_view kSha512Uri = "http://www.w3.org/2001/04/xmlenc#sha512";

// The EVP digest a digest URI names; InvalidArgument for SHA-1 (refused) and unknown URIs.
Result<const EVP_MD*> DigestForUri(std::string_view uri);
std::string_view DigestUri(const EVP_MD* md);
Result<std::string> Hash(const EVP_MD* md, std::string_view data);

struct SignatureMethod {
  const EVP_MD* md = nullptr;
  bool ecdsa = false;  // else RSA PKCS#1 v1.5
};
// InvalidArgument names an unknown or refused method (SHA-1, DSA).
Result<SignatureMethod> SignatureMethodForUri(std::string_view uri);
std::string SignatureMethodUri(const SignatureMethod& method);
// What riik signs with for `key`: ECDSA with SHA-384 for P-384 (the eID's keys), SHA-256
// for P-256, RSA with SHA-256.
Result<SignatureMethod> SignatureMethodFor(EVP_PKEY* key);

// The XML-DSig SignatureValue of `data` by `key` (r‖s for ECDSA). The key may live on a
// token: it signs through the EVP_PKEY it is.
Result<std::string> SignValue(EVP_PKEY* key, const SignatureMethod& method, std::string_view data);
// Whether `value` is a good signature of `data` by `key`: false for a wrong or malformed
// value (an r‖s of the wrong length included); an error only if OpenSSL fails.
Result<bool> VerifyValue(EVP_PKEY* key, const SignatureMethod& method, std::string_view data, std::string_view value);

}  // namespace riik::sign
