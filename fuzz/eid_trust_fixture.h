// The eID trust the sign-in fuzzers check against: `ca_pem` as the eID CA and the root,
// an OCSP responder that is down, a fixed clock. Nothing a fuzzer makes passes it.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/eid_check.h"
#include "crypto/x509.h"

namespace riik::fuzz {

inline auth::EidTrust* NewEidTrust(const char* ca_pem) {
  auto* t = new auth::EidTrust;
  auto ca = ParseCertificatePem(ca_pem);
  auto root = ParseCertificatePem(ca_pem);
  if (!ca.ok() || !root.ok()) std::abort();
  t->eid_ca = std::move(*ca);
  t->root = std::move(*root);
  t->ocsp_url = "http://127.0.0.1:1/ocsp";
  t->post_ocsp = [](const std::string&, std::string_view) -> Result<std::string> {
    return Unavailable("the fuzzer's OCSP responder is down");
  };
  t->clock = [] { return UnixMicros{1'796'000'000'000'000}; };
  return t;
}

}  // namespace riik::fuzz
