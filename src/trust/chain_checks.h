// The checks that tie a message log's evidence to the state's root certificate, with
// nothing but the certificates and tokens the evidence carries: a signer's chain to the
// root (at a given time), and an RFC 3161 timestamp token by a TSA whose certificate
// chains to the same root. Shared by offline evidence verification and `log verify`.
#pragma once

#include <openssl/evp.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "crypto/sha256.h"

namespace riik::trust {

inline constexpr size_t kMaxChainCertificates = 8;
inline constexpr size_t kMaxCertificatePemBytes = 16 * 1024;
inline constexpr size_t kMaxTimestampTokenBytes = 16 * 1024;

// Parses PEM certificates, leaf first. Each must be exactly the PEM riik writes for it
// (so a changed byte in the text cannot go unnoticed). InvalidArgument names the index.
Result<std::vector<UniquePtr<X509>>> ParseCertificateChain(std::span<const std::string> pems);
// The chain's PEMs, leaf first, as ParseCertificateChain reads them.
std::vector<std::string> CertificateChainPem(std::span<const UniquePtr<X509>> chain);

// A store for checks at `at` that trusts `trust_root`, and also each of `candidates`
// that is a CA or a TSA certificate linked down to it through the others by signatures
// verified once per process (each issuer a CA valid at `at`), so that chains stop there
// (X509_V_FLAG_PARTIAL_CHAIN); OpenSSL still checks the validity and extensions of the
// certificate a chain ends at, and the root's validity at `at` is checked here.
// A `trust_root` that a trusted list names (MarkListedAnchor) is a partial-chain anchor
// itself: chains end at it, and so may a listed leaf.
Result<UniquePtr<X509_STORE>> TrustStoreAt(X509* trust_root, UnixMicros at, std::span<X509* const> candidates);

// Whether `issuer` (a CA, by name, key identifier and key usage) signed `cert`: the
// signature is verified once per process for each pair (it does not change), so links
// that recur in every check (the state's CAs, its TSA and OCSP responders) cost one
// P-384 verification less each time after the first.
bool SignedBy(X509* issuer, X509* cert);

// A certificate a trusted list names as a service is an anchor of its own, where chains
// may end though it is not self-issued (a CA, or the TSA or responder itself). Only
// certificates so marked (in memory, by the list's reader) are: any other anchor must be
// a self-issued root, so a misconfigured intermediate or leaf never becomes one.
void MarkListedAnchor(X509* cert);
bool IsListedAnchor(X509* cert);

// Whether `at` is within the certificate's validity period.
bool CertificateValidAt(X509* cert, UnixMicros at);

// Checks that `cert` chains to `trust_root` at `at` through `untrusted`. DataLoss says
// why not ("does not chain to the trust root at …: certificate has expired"). With
// `chain`, the verified chain is put there, `cert` first, the anchor last.
Status VerifyChain(X509* cert, std::span<const UniquePtr<X509>> untrusted, X509* trust_root, UnixMicros at,
                   std::vector<UniquePtr<X509>>* chain = nullptr);

// Checks that chain[0] chains to `trust_root` (through chain[1..] as untrusted
// intermediates) at time `at`, and that it may sign (key usage digitalSignature or
// nonRepudiation). DataLoss names what failed, prefixed by `what`.
Status VerifySignerChain(std::span<const UniquePtr<X509>> chain, X509* trust_root, UnixMicros at,
                         std::string_view what);

struct TimestampInfo {
  UnixMicros gen_time = 0;  // the TSA's genTime (whole seconds)
  std::string serial_hex;
};

// Checks an RFC 3161 TimeStampToken (DER CMS ContentInfo): strict DER, a SHA-256
// message imprint equal to `imprint`, a valid signature by a certificate with the
// critical EKU timeStamping that chains to `trust_root` at genTime (certificates from the
// token and `intermediates` may complete the chain). DataLoss names what failed.
Result<TimestampInfo> VerifyTimestampToken(std::string_view token_der, const Digest& imprint, X509* trust_root,
                                           std::span<const UniquePtr<X509>> intermediates);

// A message imprint in SHA-256, SHA-384 or SHA-512, as XAdES timestamps may use.
struct MessageImprint {
  const EVP_MD* md = nullptr;
  std::string digest;
};
// As above, for an imprint in any of those (the token's must be the same algorithm).
Result<TimestampInfo> VerifyTimestampToken(std::string_view token_der, const MessageImprint& imprint, X509* trust_root,
                                           std::span<const UniquePtr<X509>> intermediates);
// A parsed token, so that its imprint is read and its signature checked with one parse.
class TimestampToken {
 public:
  // InvalidArgument if it is not a DER TimeStampToken over SHA-256, SHA-384 or SHA-512.
  static Result<TimestampToken> Parse(std::string_view der);
  const MessageImprint& imprint() const { return imprint_; }
  // What VerifyTimestampToken checks but the imprint, which the caller compares.
  Result<TimestampInfo> Verify(X509* trust_root, std::span<const UniquePtr<X509>> intermediates) const;

 private:
  UniquePtr<PKCS7> token_;
  MessageImprint imprint_;
  TimestampInfo info_;
};

// Reads the message imprint of a token without checking it (InvalidArgument if the
// token is not a SHA-256 TimeStampToken): a cheap sanity check of what a TSA returned.
Result<Digest> TimestampTokenImprint(std::string_view token_der);

}  // namespace riik::trust
