// Hex and base64 encodings of byte strings.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik {

using Bytes = std::string;  // an owned byte string; std::string keeps it cheap to move

std::string HexEncode(std::string_view bytes);
// Lower- or upper-case hex; fails on odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);

// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::string_view bytes);
// Strict: rejects whitespace, missing padding and characters outside the alphabet.
Result<Bytes> Base64Decode(std::string_view text);

// Base64url (RFC 4648 §5) without padding, as JOSE (RFC 7515 §2) uses it.
std::string Base64UrlEncode(std::string_view bytes);
// Strict: only the URL-safe alphabet, no padding, no stray bits in the last group.
Result<Bytes> Base64UrlDecode(std::string_view text);

// `text` safe inside HTML text and double- or single-quoted attributes (& < > " ').
std::string HtmlEscape(std::string_view text);

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF).
bool IsValidUtf8(std::string_view text);
// Whether `text` holds no control character (C0 or DEL): a name or description a person
// is shown, on one line.
bool IsPlainText(std::string_view text);

// Text from untrusted input as a person or a log may be shown it: valid UTF-8 without
// control characters (C0, DEL, C1). Each invalid byte or control character becomes
// U+FFFD, so nothing shown can carry bytes a JSON encoder or a terminal would choke on
// or act upon (a terminal's escape sequences).
std::string ShownText(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not split a UTF-8
// character (text that is valid UTF-8 stays valid).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace riik
