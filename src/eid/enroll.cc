// Enrollment: keys on the token, certificates from the eID CA.
#include "eid/enroll.h"

#include <openssl/rand.h>

#include "crypto/x509.h"
#include "identity/personal_code.h"

namespace riik::eid {
namespace {

// `n` uniformly random decimal digits (rejection sampling: no modulo bias).
std::string RandomDigits(int n) {
  std::string out;
  while (static_cast<int>(out.size()) < n) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) continue;
    if (b < 250) out += static_cast<char>('0' + b % 10);
  }
  return out;
}

}  // namespace

Pins RandomPins() { return Pins{RandomDigits(4), RandomDigits(5), RandomDigits(8)}; }

Result<Enrollment> Enroll(Token& token, const IssueEidFn& issue, const Citizen& citizen, const Pins& pins,
                          const std::string& email_domain) {
  RETURN_IF_ERROR(identity::PersonalCode::Parse(citizen.personal_code).status());
  RETURN_IF_ERROR(CheckPin(EidKey::kAuthentication, pins.pin1));
  RETURN_IF_ERROR(CheckPin(EidKey::kSigning, pins.pin2));
  RETURN_IF_ERROR(CheckPuk(pins.puk));
  Enrollment out;
  for (EidKey key : {EidKey::kAuthentication, EidKey::kSigning}) {
    const std::string& pin = key == EidKey::kAuthentication ? pins.pin1 : pins.pin2;
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> public_key, token.GenerateKey(key, pin, pins.puk));
    trust::EidRequest req;
    req.key = key;
    req.personal_code = citizen.personal_code;
    req.given_name = citizen.given_name;
    req.surname = citizen.surname;
    req.email_domain = email_domain;
    req.public_key = public_key.get();
    ASSIGN_OR_RETURN(trust::CertificateRecord record, issue(req));
    ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificatePem(record.pem));
    RETURN_IF_ERROR(token.StoreCertificate(key, pin, cert.get()));
    (key == EidKey::kAuthentication ? out.authentication : out.signing) = std::move(record);
  }
  return out;
}

}  // namespace riik::eid
