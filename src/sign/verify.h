// Verifying an ASiC-E container as DigiDoc does, with the reasons in plain words: the
// container's structure (container.h), then each signature — every data file signed
// and unchanged, the signed properties and the signature value, the signer's certificate
// (for signing, chaining to the trust anchors only, never the system store), exactly one
// signature timestamp over the signature value by a trusted TSA, and an OCSP answer
// about the signer produced after that timestamp.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "sign/trust_anchors.h"
#include "sign/zip_archive.h"

namespace riik::sign {

// VALID: every check passed. WARNING: valid, with something a person should know (an
// OCSP answer long after the timestamp). INVALID: a check failed. INDETERMINATE: it
// could not be decided (a certificate from a CA that is not trusted, no OCSP answer).
enum class Verdict { kValid, kWarning, kIndeterminate, kInvalid };
std::string_view VerdictName(Verdict v);  // "VALID", "WARNING", "INDETERMINATE", "INVALID"

struct SignatureReport {
  std::string file;  // META-INF/signatures0.xml
  std::string id;    // S0
  Verdict verdict = Verdict::kInvalid;
  std::string signer;                     // the certificate's common name
  std::string signer_id;                  // its serialNumber, e.g. PNOEE-38001085718
  std::string signer_certificate_sha256;  // hex, of the certificate's DER
  std::string signing_time;               // what the signer claims (SigningTime)
  UnixMicros timestamp_time = 0;          // what the TSA attests
  UnixMicros ocsp_time = 0;               // when the responder vouched for the certificate
  std::vector<UnixMicros> archive_times;  // each archive timestamp's (LTA), oldest first
  std::string profile;                    // "LT", "LTA", or "B" when it has no timestamp
  std::vector<std::string> signed_files;
  std::vector<std::string> errors;  // why INVALID or INDETERMINATE
  std::vector<std::string> warnings;
};

struct VerificationReport {
  Verdict verdict = Verdict::kInvalid;  // the worst of the signatures', INVALID if the container is broken
  std::string container_error;          // the structural fault, if any
  std::string container_sha256;         // hex, of the bytes verified
  struct File {
    std::string name, media_type;
    size_t size = 0;
    std::string sha256;  // hex, of the file's bytes
  };
  std::vector<File> files;
  std::vector<SignatureReport> signatures;
};

struct VerifyOptions {
  TrustAnchors trust;
  ZipLimits limits;
  // Warn when the OCSP answer came this long after the timestamp (DigiDoc: 15 minutes);
  // error past a day.
  int64_t ocsp_warn_after_seconds = 15 * 60;
  int64_t ocsp_error_after_seconds = 24 * 3600;
  // Warn when the status an OCSP answer gives is as of (its thisUpdate) more than this
  // long before the timestamp (DigiDoc takes answers at most 2 minutes old when it signs);
  // past ocsp_error_after_seconds the answer shows nothing.
  int64_t ocsp_this_update_slack_seconds = 120;
};

VerificationReport VerifyContainer(std::string_view bytes, const VerifyOptions& options);

}  // namespace riik::sign
