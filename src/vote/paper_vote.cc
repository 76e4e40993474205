// A paper vote's statement (paper_vote.h).
#include "vote/paper_vote.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "identity/personal_code.h"
#include "vote/signed_ballot.h"

namespace riik::vote {
namespace {

constexpr std::string_view kFormat = "riik-paper-vote-v1";
constexpr std::string_view kReasonPrefix = "paper vote; statement sha256:";
constexpr size_t kMaxStatementBytes = 1024;

}  // namespace

std::string PaperVoteJson(std::string_view election, std::string_view voter_code) {
  return Json{{"election", HexEncode(election)}, {"format", kFormat}, {"voter", voter_code}}.dump();
}

Result<PaperVote> OpenPaperVote(std::string_view container, const election::Manifest& manifest,
                                sign::VerifyOptions verify) {
  ASSIGN_OR_RETURN(SignedFile file, OpenSignedFile(container, std::move(verify), kPaperVoteFileName, kMaxStatementBytes,
                                                   "the paper vote's statement"));
  auto json = ParseJson(file.content, JsonLimits{kMaxStatementBytes, 2});
  if (!json.ok()) return InvalidArgument("paper-vote.json: " + json.status().message());
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(*json, "paper-vote.json", {"election", "format", "voter"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != kFormat) return InvalidArgument("paper-vote.json is not in the format " + std::string(kFormat));
  ASSIGN_OR_RETURN(Digest named, f.Hash("election"));
  if (DigestBytes(named) != manifest.hash) return InvalidArgument("the paper vote's statement is for another election");
  ASSIGN_OR_RETURN(std::string voter, f.Text("voter", 11));
  if (!identity::PersonalCode::Parse(voter).ok()) {
    return InvalidArgument("the paper vote's statement names no valid personal code");
  }
  if (voter == file.signer_code) return InvalidArgument("a voter cannot attest their own paper vote");
  const std::vector<std::string>& officials = manifest.paper_vote_officials;
  if (!officials.empty() &&
      std::find(officials.begin(), officials.end(), file.signer_certificate_sha256) == officials.end()) {
    return InvalidArgument("the statement is signed with a certificate (SHA-256 " + file.signer_certificate_sha256 +
                           ") that is not among the manifest's paper-vote officials");
  }
  return PaperVote{std::move(voter), std::move(file.signer_code), std::move(file.signer), file.signed_at};
}

bool StatementBefore(UnixMicros signed_at, UnixMicros entry_time) {
  return signed_at <= entry_time + std::chrono::microseconds(std::chrono::minutes(1)).count();
}

std::string PaperVoteReason(std::string_view container) {
  return std::string(kReasonPrefix) + DigestHex(Sha256(container));
}

std::optional<std::string> PaperVoteStatementHash(std::string_view reason) {
  if (!reason.starts_with(kReasonPrefix) || reason.size() != kReasonPrefix.size() + 64) return std::nullopt;
  return std::string(reason.substr(kReasonPrefix.size()));
}

}  // namespace riik::vote
