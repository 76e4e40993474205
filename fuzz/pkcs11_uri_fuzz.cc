// Fuzzes pkcs11: URI parsing (the --token argument): never crashes, and an accepted
// URI names a token within the label limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "eid/pkcs11_token.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto uri = riik::eid::ParsePkcs11Uri(text);
  riik::fuzz::RequireValid(uri.ok(), uri.ok() ? "" : uri.status().message());
  if (!uri.ok()) return 0;
  if (uri->token.empty() || uri->token.size() > 24 || uri->module_path.empty()) std::abort();
  return 0;
}
