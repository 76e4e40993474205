// Parsing and checking X-Road identifiers.
#include "exchange/identifiers.h"

#include <vector>

#include "core/encoding.h"

namespace riik::exchange {
namespace {

constexpr size_t kMaxPartBytes = 255;

Result<std::string> Decode(std::string_view what, std::string_view part) {
  std::string out;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '%') {
      out += part[i];
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = i + 2 < part.size() ? hex(part[i + 1]) : -1, lo = i + 2 < part.size() ? hex(part[i + 2]) : -1;
    if (hi < 0 || lo < 0) return InvalidArgument(std::string(what) + " has a bad %-escape");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  RETURN_IF_ERROR(CheckIdentifierPart(what, out));
  return out;
}

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = text.find('/');
    parts.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return parts;
}

Result<MemberId> MemberFrom(const std::vector<std::string_view>& parts) {
  MemberId m;
  ASSIGN_OR_RETURN(m.instance, Decode("the X-Road instance", parts[0]));
  ASSIGN_OR_RETURN(m.member_class, Decode("the member class", parts[1]));
  ASSIGN_OR_RETURN(m.code, Decode("the member code", parts[2]));
  return m;
}

}  // namespace

Status CheckIdentifierPart(std::string_view what, std::string_view part) {
  if (part.empty()) return InvalidArgument(std::string(what) + " is empty");
  if (part.size() > kMaxPartBytes) return InvalidArgument(std::string(what) + " is longer than 255 bytes");
  if (!IsValidUtf8(part)) return InvalidArgument(std::string(what) + " is not UTF-8");
  for (unsigned char c : part) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':' || c == ';' || c == '%') {
      return InvalidArgument(std::string(what) + " contains a character X-Road identifiers may not have (/ \\ : ; % or a control character)");
    }
  }
  return OkStatus();
}

Result<MemberId> ParseMemberId(std::string_view text) {
  auto parts = Split(text);
  if (parts.size() != 3) return InvalidArgument("a member id is INSTANCE/CLASS/CODE, e.g. EE/GOV/70000310");
  return MemberFrom(parts);
}

Result<ClientId> ParseClientId(std::string_view text) {
  auto parts = Split(text);
  if (parts.size() != 3 && parts.size() != 4) {
    return InvalidArgument("a client id is INSTANCE/CLASS/CODE[/SUBSYSTEM], e.g. EE/GOV/70000310/tax");
  }
  ClientId c;
  ASSIGN_OR_RETURN(c.member, MemberFrom(parts));
  if (parts.size() == 4) {
    ASSIGN_OR_RETURN(c.subsystem, Decode("the subsystem code", parts[3]));
  }
  return c;
}

Result<ServiceRequestPath> ParseServicePath(std::string_view path) {
  if (path.substr(0, 4) != "/r1/") {
    return InvalidArgument("REST service paths start with /r1/ (X-Road Message Protocol for REST 1.0)");
  }
  std::string_view rest = path.substr(4);
  std::vector<std::string_view> parts;
  for (int i = 0; i < 5; ++i) {
    size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (i < 4) {
      if (rest.empty()) {
        return InvalidArgument("the service path is /r1/INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE[/path]");
      }
      rest.remove_prefix(1);
    }
  }
  ServiceRequestPath out;
  ASSIGN_OR_RETURN(out.service.provider.member, MemberFrom(parts));
  ASSIGN_OR_RETURN(out.service.provider.subsystem, Decode("the subsystem code", parts[3]));
  ASSIGN_OR_RETURN(out.service.code, Decode("the service code", parts[4]));
  out.rest = std::string(rest);
  return out;
}

Result<ServiceId> ParseServiceId(std::string_view text) {
  auto path = ParseServicePath("/r1/" + std::string(text));
  if (!path.ok() || !path->rest.empty()) {
    return InvalidArgument("a service id is INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE" +
                           (path.ok() ? std::string() : " (" + path.status().message() + ")"));
  }
  return path->service;
}

}  // namespace riik::exchange
