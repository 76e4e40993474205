// The client side of RFC 3161: a TimeStampReq for a SHA-256 digest (with a random nonce,
// asking for the TSA's certificates), and the checks on the TSA's TimeStampResp — status
// granted, the nonce echoed, the token's imprint our digest — before its token is kept.
// The transport is the caller's (http_timestamper.h posts over HTTP).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::trust {

inline constexpr size_t kMaxTimestampReplyBytes = 64 * 1024;

// Timestamps a SHA-256 digest (32 bytes): returns a DER RFC 3161 TimeStampToken, or an
// error (the TSA is down, …). Production: HttpTimestamper; tests: TimestampDigest.
using TimestampFn = std::function<Result<std::string>(std::string_view sha256_digest)>;

struct TimestampQuery {
  std::string der;    // the DER TimeStampReq
  std::string nonce;  // the nonce it carries (DER INTEGER), to compare with the reply's
};

// InvalidArgument if `sha256_digest` is not 32 bytes; Internal if OpenSSL fails.
Result<TimestampQuery> BuildTimestampQuery(std::string_view sha256_digest);

// The DER TimeStampToken of a reply to `query` for `sha256_digest`. Unavailable with the
// TSA's status text if it refused; DataLoss if the reply is malformed, answers another
// nonce or stamps another digest.
Result<std::string> TokenFromReply(std::string_view reply_der, const TimestampQuery& query,
                                   std::string_view sha256_digest);

}  // namespace riik::trust
