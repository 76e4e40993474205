// Confirmation in the citizen's app (Smart-ID's model): the provider makes a hash to be
// confirmed (a fresh random value for a sign-in, a document's digest for a signature);
// the browser shows a 4-digit verification code derived from it, the app shows the same
// code, and the person confirms with PIN1 (sign-in) or PIN2 (signature). With PIN2 the
// app signs the digest itself, as a smart card signs a digest it is handed; with PIN1 it
// signs only statements it makes itself (SignInHash and those below). Protocol:
// docs/signin.md ("The app").
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "auth/eid_check.h"

namespace riik::auth {

// The hash the app signs: SHA-384, matching the eID's P-384 keys.
inline const EVP_MD* AppHashDigest() { return EVP_sha384(); }
inline constexpr size_t kAppHashBytes = 48;

// integer(SHA-256(hash)[-2:]) mod 10000, as four digits ("0042").
std::string VerificationCode(std::string_view hash);

// What the app sends back: its certificate for the purpose and the signature (r‖s for
// ECDSA) of the sign-in's statement or the signature's digest. A signature's first step also names the signing
// certificate the person chose, and signs that choice with PIN1 (SigningCertificateHash).
struct AppAnswer {
  std::string certificate_der;
  std::string signature;
  std::string signing_certificate_der;  // only for a signature's first step
};

// Checks the app's answer to a request for `person_code` to sign `hash`: the
// certificate passes every eID check for the purpose, names that person, and the
// signature is its key's over the hash. The signature is checked before the chain and
// OCSP; `key_signed` (if given) says whether it held, so that a refusal after it (a
// revoked or expired certificate) is known to be the key holder's, not a stranger's.
Checked<Person> VerifyAppAnswer(const AppAnswer& answer, std::string_view person_code, std::string_view hash,
                                CertPurpose purpose, const EidTrust& trust, bool* key_signed = nullptr);

// SHA-384 of `text`: the hashes the app signs for its own statements below.
std::string AppHashOf(std::string_view text);

// What a sign-in service's issuer must be for the app's statements to name it:
// http(s)://host[:port] (no path, query or fragment: the app asks the host's own
// /.well-known/openid-configuration), at most 255 bytes. InvalidArgument saying why not.
inline constexpr size_t kMaxIssuerBytes = 255;
Status CheckIssuer(std::string_view issuer);

// What the app signs with PIN1 to confirm a sign-in at the service `issuer` whose request
// carries `hash`: SHA-384 of "riik-app-signin:", the issuer, ":" and the hash's 48 bytes.
// Not the hash itself: a service, or someone in its place, could otherwise hand the app
// the hash of another statement (a device binding) as a sign-in's, and hold it signed
// with PIN1; and a sign-in's signature made for one service is none at another.
std::string SignInHash(std::string_view issuer, std::string_view hash);

// What the app signs with PIN1 to decline request `app_request_id`: SHA-384 of
// "riik-app-decline:" and the id. Anyone may list a person's requests, so a decline must
// be the person's own, or a stranger could refuse their sign-ins and signatures.
std::string DeclineHash(std::string_view app_request_id);

// What the app signs with PIN1 to give its signing certificate for request
// `app_request_id`: SHA-384 of "riik-app-signing-certificate:", the id, ":" and the
// certificate's DER. The certificate is public (every signature carries it), so without
// this a stranger holding another signing certificate of the person's (a second card)
// could choose it for them, and the signature would fail at PIN2.
std::string SigningCertificateHash(std::string_view app_request_id, std::string_view signing_certificate_der);

// The app's side: the signature of `hash` by an unlocked eID key (r‖s for ECDSA).
Result<std::string> SignAppHash(EVP_PKEY* key, std::string_view hash);

}  // namespace riik::auth
