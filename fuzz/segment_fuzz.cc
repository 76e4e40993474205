// Fuzzes what an embassy checks of a journal segment it receives (src/embassy/segment.h)
// before acknowledging it, and the framing a restore reads: every input must give a
// verdict with a reason, never a crash or an unbounded allocation.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/x509.h"
#include "embassy/segment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static EVP_PKEY* key = [] {
    auto k = riik::GenerateEcKey("P-256");
    if (!k.ok()) std::abort();
    return k->release();
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto checked = riik::embassy::CheckSegment(bytes, key, riik::embassy::FirstSegmentPrev());
  if (!checked.ok() && checked.status().message().empty()) std::abort();
  auto opened =
      riik::embassy::OpenSegment(bytes, std::string(32, 'k'), key, riik::embassy::FirstSegmentPrev(), nullptr);
  if (!opened.ok() && opened.status().message().empty()) std::abort();
  return 0;
}
