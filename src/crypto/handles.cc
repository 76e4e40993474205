// OpenSSL error queue formatting.
#include "crypto/handles.h"

#include <openssl/err.h>

namespace riik {

std::string OpenSslErrors(const char* fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? fallback : out;
}

}  // namespace riik
