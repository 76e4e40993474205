// Fuzzes what an embassy checks of a journal segment it receives (src/embassy/segment.h)
// before acknowledging it, and the framing a restore reads: every input must give a
// verdict with a reason, never a crash or an unbounded allocation. The signer is the
// fixture key of seeds.h and the data key 32 bytes of 'k', so the valid_ seeds (sealed
// with them: entries 1.. of a fresh store) pass the signature and reach the decryption,
// decompression and entry checks, and must be accepted whole.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/x509.h"
#include "embassy/segment.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static EVP_PKEY* key = [] {
    auto k = riik::ParsePrivateKeyPem(riik::fuzz::kFixtureKeyPem);
    if (!k.ok()) std::abort();
    return k->release();
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto checked = riik::embassy::CheckSegment(bytes, key, riik::embassy::FirstSegmentPrev());
  if (!checked.ok() && checked.status().message().empty()) std::abort();
  auto opened =
      riik::embassy::OpenSegment(bytes, std::string(32, 'k'), key, riik::embassy::FirstSegmentPrev(), nullptr);
  if (!opened.ok() && opened.status().message().empty()) std::abort();
  riik::fuzz::RequireValid(opened.ok(), opened.status().message());
  return 0;
}
