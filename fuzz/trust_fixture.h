// A CA in a temporary directory, made once per fuzzing process, for the fuzzers of
// the trust services.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "store/store.h"
#include "trust/ca.h"

namespace riik::fuzz {

struct TrustFixture {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<trust::CertificateAuthority> ca;
};

inline TrustFixture& Trust() {
  static TrustFixture* f = [] {
    auto* out = new TrustFixture();
    char dir[] = "/tmp/riik-trust-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    auto store = store::Store::Open(store::StoreOptions{"sqlite::memory:", "trust"});
    if (!store.ok()) std::abort();
    out->store = std::move(*store);
    trust::CaOptions o;
    o.dir = std::string(dir) + "/ca";
    o.passphrase = "fuzzing passphrase";
    auto ca = trust::CertificateAuthority::Open(*out->store, o);
    if (!ca.ok()) std::abort();
    out->ca = std::move(*ca);
    return out;
  }();
  return *f;
}

}  // namespace riik::fuzz
