// The X-Road REST headers (PR-REST 1.0 §4.3) and how a security server relays the
// headers of a message: which it drops (hop-by-hop fields, those that reveal the origin
// host, those only a security server may set), how it normalises the rest, and the
// message identifiers it generates.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.h"
#include "net/http.h"

namespace riik::exchange {

inline constexpr const char* kXRoadClient = "X-Road-Client";
inline constexpr const char* kXRoadService = "X-Road-Service";
inline constexpr const char* kXRoadId = "X-Road-Id";
inline constexpr const char* kXRoadUserId = "X-Road-UserId";
inline constexpr const char* kXRoadIssue = "X-Road-Issue";
inline constexpr const char* kXRoadRepresentedParty = "X-Road-Represented-Party";
inline constexpr const char* kXRoadRequestId = "X-Road-Request-Id";
inline constexpr const char* kXRoadRequestHash = "X-Road-Request-Hash";
inline constexpr const char* kXRoadError = "X-Road-Error";

// Whether a security server never relays this header: the hop-by-hop fields
// (Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade), those that
// reveal the origin host (Host, User-Agent, Server), and Content-Length and Expect, which
// each hop sets for itself (PR-REST §4.3 "Filtered headers").
bool IsFilteredHeader(std::string_view name);

// The headers of `in` a security server passes on: filtered ones and those named in
// `drop` (case-insensitive) left out, values trimmed of surrounding blanks, and repeated
// fields joined into one ("a, b", RFC 9110 §5.3) so that each name appears once.
net::Headers RelayedHeaders(const net::Headers& in, std::initializer_list<std::string_view> drop = {});

// A new message identifier: a random UUID (version 4), as PR-REST recommends.
std::string NewMessageId();

// X-Road-Id and X-Road-Request-Id values: 1 to 256 bytes of printable ASCII.
// InvalidArgument names the header.
Status CheckMessageId(std::string_view header, std::string_view value);

}  // namespace riik::exchange
