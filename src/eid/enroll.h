// Enrollment, the police-desk step: both key pairs generated on the citizen's token,
// both certificates issued by the eID CA and written back to the token.
#pragma once

#include <functional>
#include <string>

#include "eid/token.h"

namespace riik::eid {

struct Citizen {
  std::string personal_code;
  std::string given_name;
  std::string surname;
};

// The PIN envelope handed to the citizen.
struct Pins {
  std::string pin1;  // 4–12 digits
  std::string pin2;  // 5–12 digits
  std::string puk;   // 8–12 digits
};

// Fresh random PINs of the ID card's lengths (PIN1 4, PIN2 5, PUK 8 digits).
Pins RandomPins();

struct Enrollment {
  trust::CertificateRecord authentication;
  trust::CertificateRecord signing;
};

// Issues one eID certificate: the CA itself, or a running trust role on its behalf.
using IssueEidFn = std::function<Result<trust::CertificateRecord>(const trust::EidRequest&)>;

// Enrolls `citizen` on `token` with `pins`. The personal code and the PIN rules are
// checked before a key is made (the names when the CA issues); fails with the first
// reason.
Result<Enrollment> Enroll(Token& token, const IssueEidFn& issue, const Citizen& citizen, const Pins& pins,
                          const std::string& email_domain = "eesti.ee");

}  // namespace riik::eid
