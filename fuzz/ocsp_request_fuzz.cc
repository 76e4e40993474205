// Fuzzes the OCSP responder with arbitrary request bytes: every input must produce a
// well-formed OCSPResponse (never a crash, never an empty answer).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crypto/handles.h"
#include "trust/ocsp_responder.h"
#include "trust_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* responder = [] {
    auto r = riik::trust::OcspResponder::Create(*riik::fuzz::Trust().ca);
    if (!r.ok()) std::abort();
    return r->release();
  }();
  std::string der = responder->Respond(std::string_view(reinterpret_cast<const char*>(data), size));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  riik::UniquePtr<OCSP_RESPONSE> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!resp) std::abort();
  return 0;
}
