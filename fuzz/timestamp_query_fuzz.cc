// Fuzzes the timestamping authority with arbitrary query bytes: every input must get a
// well-formed TimeStampResp (granted or rejection), never a crash.
#include <openssl/ts.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "trust/tsa.h"
#include "trust_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* tsa = [] {
    auto& f = riik::fuzz::Trust();
    auto t = riik::trust::TimestampAuthority::Create(*f.ca, *f.store);
    if (!t.ok()) std::abort();
    return t->release();
  }();
  std::string der = tsa->Respond(std::string_view(reinterpret_cast<const char*>(data), size));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  TS_RESP* resp = d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size()));
  if (!resp) std::abort();
  TS_RESP_free(resp);
  return 0;
}
