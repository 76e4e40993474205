// The client side of OCSP (RFC 6960): a request for one certificate, and the checks on a
// response before anyone relies on it — successful, signed by the certificate's issuer or
// a responder it delegated to (id-kp-OCSPSigning), that responder chaining to the trust
// root, about exactly this certificate, with our nonce when we sent one. The transport is
// the caller's (the security servers' OCSP cache, the signer of a container). What the
// answer's times mean is also the caller's: current for a peer's handshake, after the
// timestamp for a signature.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::trust {

inline constexpr size_t kMaxOcspResponseBytes = 64 * 1024;

struct OcspQuery {
  std::string der;                  // the DER OCSPRequest to POST
  UniquePtr<OCSP_REQUEST> request;  // kept to compare the nonce
};

// A request about `cert` issued by `issuer` (SHA-1 CertID, as responders expect), with a
// random nonce unless `nonce` is false. Internal if OpenSSL fails.
Result<OcspQuery> BuildOcspQuery(X509* cert, X509* issuer, bool nonce = true);

enum class CertStatus { kGood, kRevoked, kUnknown };

struct OcspAnswer {
  CertStatus status = CertStatus::kUnknown;
  int revocation_reason = -1;  // CRLReason, when revoked
  UnixMicros produced_at = 0;
  UnixMicros this_update = 0;
  UnixMicros next_update = 0;  // 0 when the responder gives none
  UnixMicros revoked_at = 0;
  std::string responder;  // the signing responder's subject
};

// `at` for CheckOcspResponse: judge the responder's chain when it says it answered.
inline constexpr UnixMicros kAtProducedAt = -1;

// Checks the DER OCSPResponse `der` about `cert` (issued by `issuer`). The responder's
// chain is checked at `at` (0: now; kAtProducedAt: the answer's producedAt), so an answer
// embedded in an old signature still verifies after the responder's certificate expired. With `query`, the nonce must
// be the one it sent. Unavailable: the responder asked to try again later (tryLater, internalError). DataLoss says
// what else failed: not an OCSP response, not successful, a bad signature or responder, another certificate, another
// nonce.
Result<OcspAnswer> CheckOcspResponse(std::string_view der, X509* cert, X509* issuer, X509* trust_root,
                                     const OcspQuery* query = nullptr, UnixMicros at = 0);

// "keyCompromise", "superseded", … for a CRLReason code; "unspecified" otherwise.
std::string_view RevocationReasonName(int reason);

// ASN1_TIME as microseconds since the epoch; 0 for null.
UnixMicros Asn1TimeMicros(const ASN1_TIME* time);

}  // namespace riik::trust
