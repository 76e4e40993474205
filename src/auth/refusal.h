// Why a sign-in was refused: one kind per check, so that the person is told in plain
// words what to do (pages.h) and the log says which check failed, with the detail that
// only the operator sees (never a personal code: sign-in logs carry a pseudonym).
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace riik::auth {

enum class Refusal {
  kMalformedToken,          // the Web eID token or the app's answer is not well formed
  kCertificateNotValidNow,  // expired, or not yet valid
  kWrongCertificate,        // not an authentication (or signing) certificate, or a disallowed policy
  kUntrustedCertificate,    // does not chain to the state's eID CA
  kCertificateRevoked,      // OCSP: revoked
  kCertificateUnknown,      // OCSP: unknown to the responder
  kStatusUnavailable,       // the OCSP responder could not be asked or answered badly
  kBadSignature,            // does not verify over this site's origin and challenge (or the hash)
  kInvalidPersonalCode,     // what the person typed is not a valid personal code
  kChallengeUnknown,        // no challenge for this browser, or it was used already
  kChallengeExpired,        // older than 5 minutes
  kPersonMismatch,          // the app answered with another person's certificate
  kUserCancel,              // the person gave up (in the browser or in the app)
  kTimedOut,                // the app did not answer in time
  kNotOnBoard,              // acting for a company the business register does not name the person on the board of
  kDeviceBinding,           // the app's device binding: ended, too long, not a P-256 key, or the key bound to another
  kLevelTooLow,      // the service asked for a higher level of assurance than the method gives (the app for "high")
  kBrowserChanged,   // the browser's id moved on in another tab (a sign-in there): the page is out of date
  kStartedTooOften,  // the app was started on one sign-in page more often than allowed
  kBusy,             // the service holds as many of the app's starts as it keeps: try again in a minute
  kInternal,         // riik itself failed
};

// A stable name for logs and JSON ("certificate_revoked", …).
std::string_view RefusalName(Refusal refusal);

struct Refused {
  Refusal why;
  std::string detail;  // for the operator's log: which check, with what
};

// What a sign-in check returns: the value, or why it was refused.
template <typename T>
using Checked = std::variant<T, Refused>;

template <typename T>
bool Passed(const Checked<T>& c) {
  return std::holds_alternative<T>(c);
}

}  // namespace riik::auth
