// The OCSP responder (RFC 6960) for the certificates of both issuing CAs (citizens'
// eIDs and organisations): answers from the CA's records (so a revocation shows in the
// next response), signs with the issuing CA's delegated responder certificate, echoes
// the request's nonce.
//
// Every input gets an OCSP response, never an error: malformedRequest for bytes that
// are not a request (or too large), unauthorized for certificates of another issuer (or of two issuers in one request),
// tryLater from whoever serves it when too many requests wait (TryLater()).
//
// Requests without a nonce (the RFC 5019 form high-volume clients use) are answered
// from a cache of signed responses for up to one second, so a revocation is visible
// within a second while the hot path does no signing; requests with a nonce are
// signed each time. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "trust/ca.h"

namespace riik::trust {

inline constexpr size_t kMaxOcspRequestBytes = 16 * 1024;
inline constexpr int kMaxCertsPerOcspRequest = 32;

class OcspResponder {
 public:
  // Uses (or issues) the delegated OCSP signers of the eID and organisations CAs. `validity_s`: how long a
  // response may be relied on (nextUpdate - thisUpdate). `clock`: the responses' times and the cache's.
  static Result<std::unique_ptr<OcspResponder>> Create(CertificateAuthority& ca, int validity_s = 60,
                                                       Clock clock = SystemClock());

  // DER OCSPRequest in, DER OCSPResponse out.
  std::string Respond(std::string_view der_request);

  // The answer when too many requests wait to be answered: an OCSPResponse of status
  // tryLater (RFC 6960 4.2.1), which OCSP clients (`openssl ocsp`, DigiDoc) read as
  // "ask again", where an HTTP error would be "the responder is broken".
  static std::string TryLater();

  // How long a signed answer to a nonce-less request is reused.
  static constexpr int64_t kCacheMicros = 1'000'000;
  static constexpr size_t kMaxCached = 100'000;

 private:
  struct Answer {
    std::string der;
    bool successful;  // a signed response (only these are cached)
  };
  // An issuing CA this responder answers for, with its delegated signer.
  struct Issuer {
    std::string name;  // "eid" or "org", as in CertificateRecord::ca
    X509* cert = nullptr;
    CertificateAuthority::Signer signer;
  };
  Answer Sign(OCSP_REQUEST* req, int count);
  const Issuer* IssuerOf(OCSP_CERTID* id) const;
  OcspResponder(CertificateAuthority& ca, std::vector<Issuer> issuers, int validity_s, Clock clock)
      : ca_(ca), issuers_(std::move(issuers)), validity_s_(validity_s), clock_(std::move(clock)) {}
  CertificateAuthority& ca_;
  std::vector<Issuer> issuers_;
  int validity_s_;
  Clock clock_;
  struct Cached {
    std::string der;
    int64_t until_us;
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;  // request DER -> response
};

}  // namespace riik::trust
