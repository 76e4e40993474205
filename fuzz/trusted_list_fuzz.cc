// Fuzzes reading a trusted list (src/sign/trusted_list.h): libxml2 with DTDs refused,
// then the enveloped signature — its references, transforms, digests and value, and
// that the pinned signer made it — before anything the list says is read. Untrusted
// bytes reach only that far: what follows the signature is the pinned signer's word.
// The valid_ seed is signed by the fixture key (seeds.h), so the replay goes through
// the services as well. Never crashes; a refusal says why.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/x509.h"
#include "seeds.h"
#include "sign/trusted_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static X509* signer = [] {
    auto cert = riik::ParseCertificatePem(riik::fuzz::kFixtureCertPem);
    if (!cert.ok()) std::abort();
    return cert->release();
  }();
  constexpr riik::UnixMicros kWhen = 1'796'000'000'000'000;  // 2026-11: the seed is fresh then
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto list = riik::sign::ReadTrustedList(input, signer, kWhen);
  if (!list.ok()) {
    if (list.status().message().empty()) std::abort();
    riik::fuzz::RequireValid(false, list.status().message());
    return 0;
  }
  // Only the fixture key signs lists, and it signed one: whatever is accepted says what
  // that seed says (three services), or a changed list got through.
  if (list->services.size() != 3) std::abort();
  for (const auto& s : list->services)
    if (!s.certificate) std::abort();
  return 0;
}
