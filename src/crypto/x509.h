// Building, signing and encoding X.509 certificates and keys with OpenSSL.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik {

// What goes into a certificate. Extension values use OpenSSL's configuration syntax
// (as in `openssl x509 -extfile`), e.g. key_usage = "critical,keyCertSign,cRLSign".
struct CertificateSpec {
  std::vector<std::pair<std::string, std::string>> subject;  // e.g. {"C","EE"},{"O","riik"},{"CN","…"}
  std::string serial_hex;                                    // empty: 16 random bytes (positive)
  UnixMicros not_before = 0;
  UnixMicros not_after = 0;
  std::string basic_constraints;  // "critical,CA:TRUE,pathlen:0" or "critical,CA:FALSE"
  std::string key_usage;
  std::string extended_key_usage;              // empty: none
  std::vector<std::string> subject_alt_names;  // "DNS:host", "IP:127.0.0.1", "email:…"
  std::string ocsp_url;                        // AIA OCSP
  std::string ca_issuers_url;                  // AIA caIssuers
  std::vector<std::string> policy_oids;
  std::vector<std::pair<std::string, std::string>> extra_extensions;  // (name or OID, config value)
};

// Issues a certificate for `subject_key` (its public half), signed by `issuer_key`
// with `issuer` as the issuer certificate, or self-signed when issuer is null. The
// digest follows the signing key: SHA-384 for P-384, SHA-256 otherwise.
Result<UniquePtr<X509>> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                                         EVP_PKEY* issuer_key);

// A new EC key on "P-256" or "P-384".
Result<UniquePtr<EVP_PKEY>> GenerateEcKey(const std::string& curve);

std::string CertificatePem(X509* cert);
std::string CertificateDer(X509* cert);
// Hex SHA-256 of the certificate's DER: how riik pins, names and looks up certificates
// (peers, information systems, signers, OCSP answers).
std::string CertificateSha256Hex(X509* cert);
Result<std::string> PrivateKeyPem(EVP_PKEY* key);  // unencrypted PKCS#8
Result<std::string> PublicKeyPem(EVP_PKEY* key);   // SubjectPublicKeyInfo
std::string PublicKeyDer(EVP_PKEY* key);           // SubjectPublicKeyInfo, DER ("" on failure)
// A key holding only the public half of `key`.
Result<UniquePtr<EVP_PKEY>> PublicKeyOf(EVP_PKEY* key);
// An EC public key from its curve ("P-256", "P-384") and uncompressed point (04||X||Y).
Result<UniquePtr<EVP_PKEY>> EcPublicKey(const std::string& curve, std::string_view point);
// PKCS#8 encrypted with AES-256-CBC under `passphrase` (PBKDF2), as `openssl pkcs8` reads.
Result<std::string> EncryptedPrivateKeyPem(EVP_PKEY* key, const std::string& passphrase);
Result<UniquePtr<X509>> ParseCertificatePem(const std::string& pem);
// The first certificate of the PEM file at `path` (errors name the file).
Result<UniquePtr<X509>> ReadCertificatePemFile(const std::string& path);
// One DER certificate, nothing after it; InvalidArgument otherwise.
Result<UniquePtr<X509>> ParseCertificateDer(std::string_view der);
// Every certificate of a PEM text, in order; InvalidArgument if there is none.
Result<std::vector<UniquePtr<X509>>> ParseCertificatesPem(const std::string& pem);
// Reads a PEM private key; `passphrase` is used if it is encrypted.
Result<UniquePtr<EVP_PKEY>> ParsePrivateKeyPem(const std::string& pem, const std::string& passphrase = "");

// Serial number of a certificate as upper-case hex; the subject as an RFC 2253 string.
std::string SerialHex(X509* cert);
std::string SubjectString(X509* cert);

}  // namespace riik
