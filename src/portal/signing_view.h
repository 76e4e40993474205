// A signing in the person's app as the portal shows it while it runs (the signatures
// service's remote signing: docs/signatures.md): the verification code, the state in
// words, and what portal.js polls. Shared by the tax return and the documents.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"

namespace riik::portal {

// The signatures service's remote signing, as the exchange names it.
inline constexpr const char* kRemoteSigningService = "EE/GOV/70006317/sign/signing";

struct SigningView {
  // The service's state (waiting_for_certificate, waiting_for_signature, signed,
  // refused), or the portal's after it: "submitting" and "submitted" (a tax return on
  // its way to the board, and there), "saving" and "saved" (a document), "casting" and
  // "cast" (a ballot), or "unconfirmed" (a ballot the ballot box gave no answer about:
  // `message` says so in full).
  std::string state;
  std::string verification_code;  // once the app has sent the certificate
  std::string message;            // why it was refused, in words
};

// The section that follows the signing (portal.js polls `poll_url`).
// `help`: the phrase key of what the person is told they sign. The poll is a POST with
// the session's form token in X-CSRF-Token (`csrf`): it may finish the signing.
std::string SigningSection(const SigningView& view, std::string_view poll_url, std::string_view back_url,
                           std::string_view help, std::string_view csrf, std::string_view lang);

// Whether a signing in `state` has ended (submitted, saved, cast, refused, unconfirmed):
// nothing more happens to it.
bool SigningEnded(std::string_view state);

// {"state", "verification_code", "text", "done"}: what the poll answers.
Json SigningJson(const SigningView& view, std::string_view lang);

}  // namespace riik::portal
