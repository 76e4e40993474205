// The client side of RFC 3161 for the message log: a TimeStampReq for a SHA-256 digest
// (with a random nonce, asking for the TSA's certificates), and the checks on the TSA's
// TimeStampResp — status granted, the nonce echoed, the token's imprint our digest —
// before its token is kept. HttpTimestamper posts the query to the TSA named by the
// current global configuration.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "exchange/message_log.h"
#include "net/client.h"

namespace riik::exchange {

inline constexpr size_t kMaxTimestampReplyBytes = 64 * 1024;

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

// A TimestampFn that posts each query to `tsa_url()` (asked anew each time: the URL
// comes from the global configuration, which may change) over one kept-alive client.
TimestampFn HttpTimestamper(std::function<std::string()> tsa_url, net::ClientOptions options = {});

}  // namespace riik::exchange
