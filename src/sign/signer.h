// Adding a signature to a container: XAdES-BASELINE-LT in BDOC 2.1's time-stamp profile.
// The signer signs the data files and the signed properties with the citizen's signing
// key (behind PIN2, possibly on a token), has riik's TSA timestamp the signature value,
// then asks OCSP about the signing certificate (after the timestamp, as the profile
// requires) and embeds the answer and the certificates a verifier needs, so the
// signature can be checked years later with nothing but the container and the root.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "sign/algorithms.h"
#include "sign/container.h"
#include "sign/signature_xml.h"
#include "trust/timestamp_client.h"

namespace riik::sign {

// Posts a DER OCSPRequest to the responder and returns its DER OCSPResponse.
using OcspFetchFn = std::function<Result<std::string>(std::string_view request_der)>;

struct SignerKey {
  EVP_PKEY* key = nullptr;      // the signing key, unlocked with PIN2
  X509* certificate = nullptr;  // its certificate (keyUsage nonRepudiation)
  std::vector<X509*> issuers;   // the certificate's issuer first, up to (not needing) the root
};

struct SignOptions {
  trust::TimestampFn timestamp;  // RFC 3161 over a SHA-256 digest
  OcspFetchFn ocsp;
  X509* trust_root = nullptr;  // the TSA's token and the OCSP answer are checked against it
  ProductionPlace place;
  std::vector<std::string> roles;
  Clock clock = SystemClock();
};

// Signs every data file of `container` and adds the signature as a new
// META-INF/signaturesN.xml; returns that name. FailedPrecondition if the certificate is
// not for signing (no nonRepudiation) or OCSP says it is revoked or unknown; Unavailable
// when the TSA or the OCSP responder cannot be reached (nothing is added then).
Result<std::string> AddSignature(Container& container, const SignerKey& signer, const SignOptions& options);

// Signing with a key that is not here (the citizen's app, behind PIN2), in two steps.
// First the signature is made around the signer's certificate up to the digest its key
// must sign: the canonical SignedInfo hashed with the method's digest (SHA-384 for the
// eID's P-384 keys: the size the app signs).
struct PreparedSignature {
  std::string file_name;  // the signature file it becomes
  SignatureParts parts;
  SignatureMethod method;
  std::string signed_info;  // canonical
  std::string digest;       // what the key signs
};
// Errors as AddSignature's before anything is signed.
Result<PreparedSignature> PrepareSignature(const Container& container, X509* certificate, const SignOptions& options);
// Then the value the key returned (r‖s for ECDSA), checked against the certificate over
// the SignedInfo (InvalidArgument if it does not verify), timestamped, with OCSP and the
// certificates as AddSignature adds them; the signature joins the container and its
// name is returned. `issuers`: the certificate's issuer first. FailedPrecondition if the
// container's files changed since it was prepared.
Result<std::string> CompleteSignature(Container& container, const PreparedSignature& prepared, std::string_view value,
                                      const std::vector<X509*>& issuers, const SignOptions& options);

// Removes the signature file `name` (e.g. META-INF/signatures1.xml); NotFound if absent.
Status RemoveSignature(Container& container, std::string_view name);

// "2026-12-03T08:15:00Z": xsd:dateTime in UTC, whole seconds, as SigningTime carries it.
std::string XsdDateTime(UnixMicros t);

}  // namespace riik::sign
