// Verifying a container: its structure, then each signature (verify.h).
#include "sign/verify.h"

#include <algorithm>

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
  std::vector<std::string> file_sha256;  // each file hashed once, for the report and the references
  for (const DataFile& f : container->files) {
    Digest d = Sha256(f.content);
    file_sha256.push_back(DigestBytes(d));
    report.files.push_back(VerificationReport::File{f.name, f.media_type, f.content.size(), DigestHex(d)});
  }
  if (container->signatures.empty()) {
    report.verdict = Verdict::kIndeterminate;
    report.container_error = "the container has no signatures";
    return report;
  }
  report.verdict = Verdict::kValid;
  for (const SignatureFile& s : container->signatures) {
    SignatureReport& r = report.signatures.emplace_back();
    r.file = s.name;
    impl::CheckSignature(*container, s, options, r, &file_sha256);
    report.verdict = std::max(report.verdict, r.verdict);
  }
  return report;
}

}  // namespace riik::sign
