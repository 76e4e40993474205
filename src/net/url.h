// URLs as the HTTP client takes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::net {

struct Url {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string target = "/";  // path and query
};
// Parses "http://host:port/path?query" and "https://…"; IPv6 hosts in brackets.
Result<Url> ParseUrl(std::string_view url);

}  // namespace riik::net
