// multipart/form-data (multipart.h).
#include "net/multipart.h"

#include <algorithm>
#include <cctype>

#include "core/encoding.h"

namespace riik::net {
namespace {

constexpr size_t kMaxPartHeaderBytes = 2048;
constexpr size_t kMaxFileNameBytes = 255;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameters after the first ';' of a header value: name -> value. A quoted value is
// taken as browsers write it for form-data (HTML's form encoding): a backslash is an
// ordinary character, and only '"', CR and LF come percent-encoded (%22, %0D, %0A), which
// are decoded. InvalidArgument for an unterminated quote.
Result<std::vector<std::pair<std::string, std::string>>> Parameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t semi = value.find(';');
  if (semi == std::string_view::npos) return out;
  std::string_view rest = value.substr(semi + 1);
  while (!rest.empty()) {
    rest = Trim(rest);
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string name(Trim(rest.substr(0, eq)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    rest = Trim(rest.substr(eq + 1));
    std::string v;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        std::string_view at = rest.substr(i, 3);
        if (at == "%22" || at == "%0D" || at == "%0A" || at == "%0d" || at == "%0a") {
          v.push_back(at[2] == '2' ? '"' : (at[2] == 'D' || at[2] == 'd') ? '\r' : '\n');
          i += 2;
        } else {
          v.push_back(rest[i]);
        }
      }
      if (i >= rest.size()) return InvalidArgument("a quoted parameter of " + name + " is not closed");
      rest = rest.substr(i + 1);
      size_t next = rest.find(';');
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    } else {
      size_t next = rest.find(';');
      v = std::string(Trim(rest.substr(0, next)));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    out.emplace_back(std::move(name), std::move(v));
  }
  return out;
}

// RFC 2046 §5.1.1: 1-70 characters of a limited set, not ending in a space.
bool ValidBoundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  for (char c : b) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("'()+_,-./:=? ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<FormPart> ParsePart(std::string_view headers, std::string_view content) {
  FormPart part;
  bool disposition = false;
  while (!headers.empty()) {
    size_t end = headers.find("\r\n");
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return InvalidArgument("a part's header line has no ':'");
    std::string_view name = Trim(line.substr(0, colon)), value = Trim(line.substr(colon + 1));
    if (EqualsNoCase(name, "Content-Disposition")) {
      if (!EqualsNoCase(Trim(value.substr(0, value.find(';'))), "form-data")) {
        return InvalidArgument("a part's Content-Disposition is not form-data");
      }
      ASSIGN_OR_RETURN(auto params, Parameters(value));
      for (auto& [key, v] : params) {
        if (key == "name") part.name = std::move(v);
        if (key == "filename") part.filename = std::move(v);
      }
      disposition = true;
    } else if (EqualsNoCase(name, "Content-Type")) {
      part.content_type = std::string(value);
    }
  }
  if (!disposition || part.name.empty()) return InvalidArgument("a part has no Content-Disposition with a name");
  // Some browsers send a path: only its last segment is the file's name.
  size_t slash = part.filename.find_last_of("/\\");
  if (slash != std::string::npos) part.filename = part.filename.substr(slash + 1);
  if (part.filename.size() > kMaxFileNameBytes) return InvalidArgument("a file name is over 255 bytes");
  if (!IsValidUtf8(part.filename) || !IsPlainText(part.filename)) {
    return InvalidArgument("a file name is not plain UTF-8 text");
  }
  part.content = std::string(content);
  return part;
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body, size_t max_parts) {
  if (!EqualsNoCase(Trim(content_type.substr(0, content_type.find(';'))), "multipart/form-data")) {
    return InvalidArgument("the body is not multipart/form-data");
  }
  ASSIGN_OR_RETURN(auto params, Parameters(content_type));
  std::string boundary;
  for (const auto& [key, v] : params) {
    if (key == "boundary") boundary = v;
  }
  if (!ValidBoundary(boundary)) return InvalidArgument("multipart/form-data without a valid boundary");
  const std::string delimiter = "--" + boundary, separator = "\r\n" + delimiter;
  // The first delimiter: at the start, or after a preamble ending in CRLF.
  size_t at = body.starts_with(delimiter) ? 0 : body.find(separator);
  if (at == std::string_view::npos) return InvalidArgument("the body has no delimiter line");
  at += body.starts_with(delimiter) && at == 0 ? delimiter.size() : separator.size();
  std::vector<FormPart> parts;
  for (;;) {
    std::string_view rest = body.substr(at);
    if (rest.starts_with("--")) return parts;  // the close delimiter; an epilogue is ignored
    // Transport padding (spaces) may follow a delimiter before its CRLF.
    while (rest.starts_with(" ") || rest.starts_with("\t")) rest.remove_prefix(1);
    if (!rest.starts_with("\r\n")) return InvalidArgument("a delimiter line is not followed by CRLF");
    rest.remove_prefix(2);
    if (rest.starts_with("\r\n")) return InvalidArgument("a part has no headers");
    size_t header_end = rest.find("\r\n\r\n");
    if (header_end == std::string_view::npos || header_end > kMaxPartHeaderBytes) {
      return InvalidArgument("a part's headers are over 2 KiB or not ended by a blank line");
    }
    std::string_view headers = rest.substr(0, header_end);
    std::string_view after = rest.substr(header_end + 4);
    size_t end = after.find(separator);
    if (end == std::string_view::npos) return InvalidArgument("a part is not closed by a delimiter");
    if (parts.size() >= max_parts) {
      return ResourceExhausted("the form has over " + std::to_string(max_parts) + " parts");
    }
    ASSIGN_OR_RETURN(FormPart part, ParsePart(headers, after.substr(0, end)));
    parts.push_back(std::move(part));
    at = body.size() - after.size() + end + separator.size();
  }
}

}  // namespace riik::net
