// The request hash over a relayed REST request.
#include "exchange/request_hash.h"

#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "exchange/xroad_headers.h"

namespace riik::exchange {
namespace {

std::string Sha512(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_sha512(), nullptr) != 1) return "";
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string RequestHash(std::string_view method, std::string_view target, const net::Headers& headers,
                        std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : headers.fields()) {
    if (strcasecmp(name.c_str(), kXRoadRequestHash) == 0) continue;
    fields.emplace_back(Lower(name), value);
  }
  std::sort(fields.begin(), fields.end());
  std::string text;
  text.append(method).append(" ").append(target).append("\n");
  for (const auto& [name, value] : fields) text.append(name).append(":").append(value).append("\n");
  std::string hash = Sha512(text);
  if (!body.empty()) hash = Sha512(hash + Sha512(body));
  return Base64Encode(hash);
}

}  // namespace riik::exchange
