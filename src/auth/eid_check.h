// The checks every eID sign-in method makes on a citizen's certificate, and what the
// certificate says about its holder. In order: the certificate is valid now, is for the
// purpose (authentication: digitalSignature and clientAuth; signing: nonRepudiation),
// carries no disallowed policy, chains to the state's eID CA, and its issuer's OCSP
// responder says it is good, in an answer made for this question (with our nonce).
#pragma once

#include <openssl/x509.h>

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/refusal.h"
#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::auth {

// A person as the eID certificate names them.
struct Person {
  std::string code;        // the personal code, 11 digits
  std::string given_name;  // as in the certificate (upper case)
  std::string family_name;
  std::string date_of_birth;  // YYYY-MM-DD, from the personal code

  std::string Subject() const { return "EE" + code; }  // the ID token's sub
};

// The holder of an eID certificate: serialNumber PNOEE-<valid personal code>, GN, SN.
// InvalidArgument if the certificate does not name an Estonian person.
Result<Person> PersonFromCertificate(X509* cert);

enum class CertPurpose { kAuthentication, kSigning };

// Citizens' certificates seen before, parsed once, with whether their chain to the eID
// CA verified: a card that signs in again costs no second P-384 verification of the same
// CA signature over the same bytes (validity, purpose and OCSP are checked every time).
// Keyed by the SHA-256 of the DER; the least recently used go first once `capacity` is
// reached. Thread-safe.
class KnownCertificates {
 public:
  explicit KnownCertificates(size_t capacity = 100'000) : capacity_(capacity) {}
  // The certificate `der` encodes (shared, read-only); InvalidArgument if it does not parse.
  Result<std::shared_ptr<X509>> Parse(std::string_view der);
  bool Chained(X509* cert);
  void MarkChained(X509* cert);

 private:
  struct Entry {
    std::shared_ptr<X509> cert;
    bool chained = false;
    std::list<std::string>::iterator age;
  };
  Entry* FindLocked(const std::string& key);
  size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> ages_;  // most recent first
};

// Posts a DER OCSP request to `url` and returns the DER answer (the transport is the
// caller's: trust/http_ocsp.h in the auth role, a stub in tests).
using OcspPost = std::function<Result<std::string>(const std::string& url, std::string_view request_der)>;

struct EidTrust {
  UniquePtr<X509> eid_ca;  // the CA that issues citizens' eIDs
  UniquePtr<X509> root;    // the state root it chains to
  std::string ocsp_url;    // the eID CA's OCSP responder
  OcspPost post_ocsp;
  // Certificate policies an authentication certificate must not carry (dotted OIDs): by
  // default the eID signing policy, so a signing certificate never signs anyone in.
  std::vector<std::string> disallowed_policies;
  Clock clock = SystemClock();
  std::shared_ptr<KnownCertificates> known = std::make_shared<KnownCertificates>();

  // A citizen's certificate from its DER, through `known` when there is one.
  Result<std::shared_ptr<X509>> ParseCertificate(std::string_view der) const;

  // The trust for citizens' eIDs from PEM files: the eID CA and the state root.
  static Result<EidTrust> FromFiles(const std::string& eid_ca_pem, const std::string& root_pem, std::string ocsp_url,
                                    OcspPost post_ocsp);
};

// Whether the eID CA issued `cert`: its name and key identifier, and its signature on the
// certificate (once per certificate, through `trust.known`). No validity or status check.
bool IssuedByEidCa(X509* cert, const EidTrust& trust);

// Runs every check above on `cert`; the person it names, or why not.
Checked<Person> CheckEidCertificate(X509* cert, CertPurpose purpose, const EidTrust& trust);

}  // namespace riik::auth
