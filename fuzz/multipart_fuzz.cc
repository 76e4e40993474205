// Fuzzes the multipart/form-data parser: the first line is the Content-Type, the rest
// the body. Whatever it returns must be consistent with the input's bounds.
#include <cstdint>
#include <string_view>

#include "net/multipart.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  auto parts = riik::net::ParseMultipart(text.substr(0, nl), text.substr(nl + 1));
  riik::fuzz::RequireValid(parts.ok(), parts.ok() ? "" : parts.status().message());
  if (parts.ok()) {
    size_t total = 0;
    for (const auto& p : *parts) {
      total += p.content.size();
      if (p.name.empty() || p.filename.size() > 255) __builtin_trap();
    }
    if (total > size || parts->size() > 16) __builtin_trap();
  }
  return 0;
}
