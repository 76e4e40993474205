// Fuzzes the OCSP responder with arbitrary request bytes: every input must produce a
// well-formed OCSPResponse (never a crash, never an empty answer).
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "crypto/handles.h"
#include "store/store.h"
#include "trust/ocsp_responder.h"

namespace {

struct Responder {
  std::unique_ptr<riik::store::Store> store;
  std::unique_ptr<riik::trust::CertificateAuthority> ca;
  std::unique_ptr<riik::trust::OcspResponder> responder;
};

Responder& Instance() {
  static Responder* r = [] {
    auto* out = new Responder();
    char dir[] = "/tmp/riik-ocsp-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    auto store = riik::store::Store::Open(riik::store::StoreOptions{"sqlite::memory:", "trust"});
    if (!store.ok()) std::abort();
    out->store = std::move(*store);
    riik::trust::CaOptions o;
    o.dir = std::string(dir) + "/ca";
    o.passphrase = "fuzzing passphrase";
    auto ca = riik::trust::CertificateAuthority::Open(*out->store, o);
    if (!ca.ok()) std::abort();
    out->ca = std::move(*ca);
    auto responder = riik::trust::OcspResponder::Create(*out->ca);
    if (!responder.ok()) std::abort();
    out->responder = std::move(*responder);
    return out;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string der = Instance().responder->Respond(std::string_view(reinterpret_cast<const char*>(data), size));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  riik::UniquePtr<OCSP_RESPONSE> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!resp) std::abort();
  return 0;
}
