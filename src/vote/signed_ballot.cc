// OpenSignedBallot (signed_ballot.h).
#include "vote/signed_ballot.h"

#include <algorithm>

#include "election/ballot.h"
#include "sign/container.h"

namespace riik::vote {

bool SignedInTime(UnixMicros signed_at, UnixMicros taken_at, std::chrono::microseconds freshness) {
  return signed_at >= taken_at - freshness.count() &&
         signed_at <= taken_at + std::chrono::microseconds(std::chrono::minutes(1)).count();
}

Result<SignedFile> OpenSignedFile(std::string_view container, sign::VerifyOptions verify, std::string_view file_name,
                                  size_t max_file_bytes, std::string_view what) {
  const std::string name(what);
  if (container.size() > kMaxCastBytes) {
    return InvalidArgument(name + " is larger than " + std::to_string(kMaxCastBytes) + " bytes");
  }
  verify.limits.max_archive_bytes = kMaxCastBytes;
  verify.limits.max_total_bytes = 4 * kMaxCastBytes;
  verify.limits.max_entry_bytes = std::min<uint64_t>(verify.limits.max_entry_bytes, verify.limits.max_total_bytes);
  sign::VerificationReport report = sign::VerifyContainer(container, verify);
  if (!report.container_error.empty()) {
    return InvalidArgument(name + " is not a valid ASiC-E container: " + report.container_error);
  }
  if (report.signatures.size() != 1) {
    return InvalidArgument(name + " carries exactly one signature; this one has " +
                           std::to_string(report.signatures.size()));
  }
  const sign::SignatureReport& signature = report.signatures[0];
  if (signature.verdict != sign::Verdict::kValid && signature.verdict != sign::Verdict::kWarning) {
    return InvalidArgument("the signature of " + name + " is " + std::string(sign::VerdictName(signature.verdict)) +
                           (signature.errors.empty() ? std::string() : ": " + signature.errors[0]));
  }
  if (!signature.signer_id.starts_with("PNOEE-")) {
    return InvalidArgument(name + " is not signed with an Estonian eID (" + signature.signer_id + ")");
  }
  auto read = sign::ReadContainer(container, verify.limits);
  if (!read.ok()) return InvalidArgument(name + " cannot be read: " + read.status().message());
  if (read->files.size() != 1 || read->files[0].name != file_name) {
    return InvalidArgument(name + " must hold one file, " + std::string(file_name));
  }
  if (read->files[0].content.size() > max_file_bytes) return InvalidArgument(std::string(file_name) + " is too large");
  return SignedFile{signature.signer_id.substr(6), signature.signer, signature.signer_certificate_sha256,
                    signature.timestamp_time, std::move(read->files[0].content)};
}

Result<SignedBallot> OpenSignedBallot(std::string_view container, sign::VerifyOptions verify) {
  ASSIGN_OR_RETURN(SignedFile file, OpenSignedFile(container, std::move(verify), kBallotFileName,
                                                   election::kMaxBallotBytes, "the signed ballot"));
  return SignedBallot{std::move(file.signer_code), file.signed_at, std::move(file.content)};
}

}  // namespace riik::vote
