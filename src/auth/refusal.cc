// Names of refusals (refusal.h).
#include "auth/refusal.h"

namespace riik::auth {

std::string_view RefusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::kMalformedToken:
      return "malformed_token";
    case Refusal::kCertificateNotValidNow:
      return "certificate_not_valid_now";
    case Refusal::kWrongCertificate:
      return "wrong_certificate";
    case Refusal::kUntrustedCertificate:
      return "untrusted_certificate";
    case Refusal::kCertificateRevoked:
      return "certificate_revoked";
    case Refusal::kCertificateUnknown:
      return "certificate_unknown";
    case Refusal::kStatusUnavailable:
      return "status_unavailable";
    case Refusal::kBadSignature:
      return "bad_signature";
    case Refusal::kInvalidPersonalCode:
      return "invalid_personal_code";
    case Refusal::kChallengeUnknown:
      return "challenge_unknown";
    case Refusal::kChallengeExpired:
      return "challenge_expired";
    case Refusal::kPersonMismatch:
      return "person_mismatch";
    case Refusal::kUserCancel:
      return "user_cancel";
    case Refusal::kTimedOut:
      return "timed_out";
    case Refusal::kNotOnBoard:
      return "not_on_board";
    case Refusal::kDeviceBinding:
      return "device_binding";
    case Refusal::kLevelTooLow:
      return "level_too_low";
    case Refusal::kBrowserChanged:
      return "browser_changed";
    case Refusal::kStartedTooOften:
      return "started_too_often";
    case Refusal::kBusy:
      return "busy";
    case Refusal::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace riik::auth
