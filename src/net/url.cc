// URL parsing for the HTTP client.
#include "net/url.h"

namespace riik::net {

Result<Url> ParseUrl(std::string_view url) {
  Url u;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
    u.tls = true;
  } else {
    return InvalidArgument("URL must start with http:// or https://");
  }
  size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  std::string_view port;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("unclosed [ in URL host");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return InvalidArgument("URL has no host");
  if (port.empty()) {
    u.port = u.tls ? 443 : 80;
  } else {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || (p = p * 10 + (c - '0')) > 65535) return InvalidArgument("bad port in URL");
    }
    u.port = static_cast<uint16_t>(p);
  }
  return u;
}

}  // namespace riik::net
