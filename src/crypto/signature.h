// Signatures with any EVP key (ECDSA, RSA PKCS#1 v1.5) over a message hashed with a
// chosen digest: the signing and verifying every signed artefact of riik shares (tree
// heads, journal segments, XAdES values, ID tokens, Web eID tokens). ECDSA values come
// DER-encoded as OpenSSL makes them, or as r‖s with each half the curve's size, as
// JOSE (RFC 7518 §3.4), XML-DSig (RFC 4050) and Web eID carry them.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

enum class SignatureEncoding {
  kDer,  // ECDSA-Sig-Value in DER (RSA: the value itself)
  kRaw,  // ECDSA r‖s, each the curve's size (RSA: the value itself)
};

// The signature of `data` (hashed with `md`) by `key`, which may live on a token.
// Internal on an OpenSSL failure.
Result<std::string> SignWith(EVP_PKEY* key, const EVP_MD* md, std::string_view data,
                             SignatureEncoding encoding = SignatureEncoding::kDer);
// The signature of an already computed digest (`digest`, made with `md`), as a device
// that is handed only the hash signs it. Internal on an OpenSSL failure.
Result<std::string> SignDigest(EVP_PKEY* key, const EVP_MD* md, std::string_view digest,
                               SignatureEncoding encoding = SignatureEncoding::kDer);
// Whether `signature` is `key`'s over `data` (hashed with `md`): false for a wrong or
// malformed value (a raw value of the wrong length included); an error only if OpenSSL
// itself fails.
Result<bool> VerifyWith(EVP_PKEY* key, const EVP_MD* md, std::string_view data, std::string_view signature,
                        SignatureEncoding encoding = SignatureEncoding::kDer);

// SignWith and VerifyWith with SHA-256 and DER.
Result<std::string> SignSha256(EVP_PKEY* key, std::string_view data);
Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, std::string_view signature);

// The byte length of one ECDSA component (r or s) for `key`'s curve.
int EcComponentBytes(EVP_PKEY* key);
// r‖s from a DER ECDSA-Sig-Value, each half `component_bytes` long (leading zeros kept).
// InvalidArgument if `der` is not one or a half does not fit.
Result<std::string> EcdsaDerToRaw(std::string_view der, int component_bytes);
// The DER ECDSA-Sig-Value of r‖s (halves of equal length; leading zeros allowed).
// InvalidArgument for an empty or odd-length value.
Result<std::string> EcdsaRawToDer(std::string_view raw);

}  // namespace riik
