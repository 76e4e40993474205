// The OCSP responder (RFC 6960) for certificates of the organisations CA: answers
// from the CA's records (so a revocation shows in the next response), signs with the
// delegated responder certificate, echoes the request's nonce.
//
// Every input gets an OCSP response, never an error: malformedRequest for bytes that
// are not a request (or too large), unauthorized for certificates of another issuer.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "trust/ca.h"

namespace riik::trust {

inline constexpr size_t kMaxOcspRequestBytes = 16 * 1024;
inline constexpr int kMaxCertsPerOcspRequest = 32;

class OcspResponder {
 public:
  // Uses (or issues) the CA's delegated OCSP signer. `validity_s`: how long a
  // response may be relied on (nextUpdate - thisUpdate).
  static Result<std::unique_ptr<OcspResponder>> Create(CertificateAuthority& ca, int validity_s = 60);

  // DER OCSPRequest in, DER OCSPResponse out.
  std::string Respond(std::string_view der_request);

 private:
  OcspResponder(CertificateAuthority& ca, CertificateAuthority::Signer signer, int validity_s)
      : ca_(ca), signer_(std::move(signer)), validity_s_(validity_s) {}
  CertificateAuthority& ca_;
  CertificateAuthority::Signer signer_;
  int validity_s_;
};

}  // namespace riik::trust
