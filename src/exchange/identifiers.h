// X-Road identifiers as the REST protocol writes them (PR-REST 1.0 §4.3, §4.8):
//   client   INSTANCE/CLASS/CODE[/SUBSYSTEM]          in the X-Road-Client header
//   service  INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE    after /r1/ in the request path
// Each part is percent-encoded UTF-8 in a URL, at most 255 bytes, and may not contain
// '/', '\', ':', ';', '%' or control characters once decoded.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::exchange {

struct MemberId {
  std::string instance;      // e.g. "EE"
  std::string member_class;  // "GOV", "COM", "NGO", …
  std::string code;          // registry code, e.g. "70000310"

  std::string ToString() const { return instance + "/" + member_class + "/" + code; }
  bool operator==(const MemberId&) const = default;
  auto operator<=>(const MemberId&) const = default;
};

// A member or one of its subsystems (subsystem empty: the member itself).
struct ClientId {
  MemberId member;
  std::string subsystem;

  std::string ToString() const { return subsystem.empty() ? member.ToString() : member.ToString() + "/" + subsystem; }
  bool operator==(const ClientId&) const = default;
  auto operator<=>(const ClientId&) const = default;
};

struct ServiceId {
  ClientId provider;  // always with a subsystem
  std::string code;   // the service code, e.g. "person"

  std::string ToString() const { return provider.ToString() + "/" + code; }
  bool operator==(const ServiceId&) const = default;
  auto operator<=>(const ServiceId&) const = default;
};

// One identifier part, already decoded: InvalidArgument says what is wrong with it.
Status CheckIdentifierPart(std::string_view what, std::string_view part);

// "EE/GOV/70000310" or "EE/GOV/70000310/tax", as in X-Road-Client (parts may be
// percent-encoded).
Result<ClientId> ParseClientId(std::string_view text);
Result<MemberId> ParseMemberId(std::string_view text);

// The service and the rest of a REST request path:
//   /r1/EE/GOV/70000013/population/person/38001085718?fields=name
//   → service EE/GOV/70000013/population/person, rest "/38001085718", query kept apart.
struct ServiceRequestPath {
  ServiceId service;
  std::string rest;  // the provider's own path after the service code, "" or "/…"
};
Result<ServiceRequestPath> ParseServicePath(std::string_view path);

// A service id on its own, "EE/GOV/70000013/population/person" (parts may be
// percent-encoded); InvalidArgument if it is not exactly five parts.
Result<ServiceId> ParseServiceId(std::string_view text);

}  // namespace riik::exchange
