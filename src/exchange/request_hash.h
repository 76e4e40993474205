// X-Road-Request-Hash (PR-REST 1.0 §4.3): ties a response to the request it answers.
// The provider's security server computes it over the request it received and sends it
// back; the consumer's security server recomputes it over the request it sent and
// refuses a response whose hash differs. Defined in docs/exchange.md:
//   H = SHA-512(request line and headers), request line "METHOD TARGET", then each relayed
//       header (RelayedHeaders) as "lower-case-name:value", sorted, each ending in "\n";
//   value = base64(SHA-512(H ‖ SHA-512(body))), or base64(H) when the body is empty.
#pragma once

#include <string>
#include <string_view>

#include "net/http.h"

namespace riik::exchange {

// `target` is the request target between the security servers, /r1/SERVICE[/path][?query];
// `headers` the relayed headers (X-Road-Request-Hash, if present, is ignored).
std::string RequestHash(std::string_view method, std::string_view target, const net::Headers& headers,
                        std::string_view body);

}  // namespace riik::exchange
