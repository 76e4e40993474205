// A ballot as its voter signed it: an ASiC-E container holding ballot.json alone, with
// exactly one signature (the voter's PIN2 key) that verifies and is timestamped. What the
// ballot box checks when it takes a ballot, and what an auditor checks again for every
// ballot on the board (annex.h). A polling station's statement of a paper vote is read
// the same way (paper_vote.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "sign/verify.h"

namespace riik::vote {

inline constexpr size_t kMaxCastBytes = 1 << 20;  // a ballot's signed container
inline constexpr std::string_view kBallotFileName = "ballot.json";

// One file signed by one person with their eID.
struct SignedFile {
  std::string signer_code;                // the signer's personal code (PNOEE-…)
  std::string signer;                     // the signer's name as the certificate gives it
  std::string signer_certificate_sha256;  // hex, of the signer's certificate (DER)
  UnixMicros signed_at = 0;               // the signature's timestamp
  std::string content;                    // the file's bytes
};

// Checks `container` (at most kMaxCastBytes) with `verify`, its limits narrowed to that
// size: one signature, VALID or WARNING, by an Estonian personal code, over one file named
// `file_name` of at most `max_file_bytes`. InvalidArgument saying what is wrong, the
// container called `what` ("the signed ballot").
Result<SignedFile> OpenSignedFile(std::string_view container, sign::VerifyOptions verify, std::string_view file_name,
                                  size_t max_file_bytes, std::string_view what);

struct SignedBallot {
  std::string signer_code;   // the signer's personal code (PNOEE-…)
  UnixMicros signed_at = 0;  // the signature's timestamp
  std::string ballot_json;   // ballot.json's bytes
};

// Whether a ballot signed at `signed_at` may be taken onto the board at `taken_at`: signed
// at most `freshness` before (a container kept by whoever carried it cannot be cast later,
// over the voter's newer ballot) and at most a minute after (clocks differ). The ballot
// box and the auditors' annex apply the same rule to the same times.
bool SignedInTime(UnixMicros signed_at, UnixMicros taken_at, std::chrono::microseconds freshness);

// Checks `container` with `verify` (its limits narrowed to a ballot's size): one signature,
// VALID or WARNING, by an Estonian personal code, over one file, ballot.json.
// InvalidArgument saying what is wrong.
Result<SignedBallot> OpenSignedBallot(std::string_view container, sign::VerifyOptions verify);

}  // namespace riik::vote
