// multipart/form-data (RFC 7578): a browser's form with a file in it. Parsed strictly
// and bounded: the boundary as RFC 2046 allows it, each part's headers at most 2 KiB,
// at most `max_parts` parts, a file name cut to its last path segment and held to plain
// UTF-8 text. The body's own size is the listener's limit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::net {

struct FormPart {
  std::string name;          // the form field
  std::string filename;      // for a file: its name, without any path ("" otherwise)
  std::string content_type;  // the part's Content-Type ("" when none was given)
  std::string content;
};

// The parts of `body`, sent with Content-Type `content_type`; InvalidArgument says what
// is wrong (no boundary, a part without a name, headers too long, no closing
// delimiter, …) or ResourceExhausted for too many parts.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                             size_t max_parts = 16);

}  // namespace riik::net
