// Verifying a container: its structure, then each signature (verify.h).
#include "sign/verify.h"

#include <algorithm>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "sign/container.h"
#include "sign/impl/signature_check.h"

namespace riik::sign {

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kValid:
      return "VALID";
    case Verdict::kWarning:
      return "WARNING";
    case Verdict::kIndeterminate:
      return "INDETERMINATE";
    case Verdict::kInvalid:
      return "INVALID";
  }
  return "INVALID";
}

VerificationReport VerifyContainer(std::string_view bytes, const VerifyOptions& options) {
  VerificationReport report;
  report.container_sha256 = DigestHex(Sha256(bytes));
  auto container = ReadContainer(bytes, options.limits);
  if (!container.ok()) {
    report.container_error = container.status().message();
    return report;
  }
  impl::FileDigests digests(*container);  // each file hashed once per algorithm, for the report and every signature
  for (size_t i = 0; i < container->files.size(); ++i) {
    const DataFile& f = container->files[i];
    Result<std::string> sha256 = digests.Of(i, EVP_sha256());
    report.files.push_back(
        VerificationReport::File{f.name, f.media_type, f.content.size(), sha256.ok() ? HexEncode(*sha256) : ""});
  }
  if (container->signatures.empty()) {
    report.verdict = Verdict::kIndeterminate;
    report.container_error = "the container has no signatures";
    return report;
  }
  if (container->signatures.size() > impl::kMaxSignaturesChecked) {
    report.verdict = Verdict::kIndeterminate;
    report.container_error = "the container holds " + std::to_string(container->signatures.size()) +
                             " signatures; at most " + std::to_string(impl::kMaxSignaturesChecked) + " are checked";
    return report;
  }
  report.verdict = Verdict::kValid;
  for (const SignatureFile& s : container->signatures) {
    SignatureReport& r = report.signatures.emplace_back();
    r.file = s.name;
    impl::CheckSignature(*container, s, options, r, digests);
    report.verdict = std::max(report.verdict, r.verdict);
  }
  return report;
}

}  // namespace riik::sign
