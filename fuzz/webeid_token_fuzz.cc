// Fuzzes the Web eID authentication token (src/auth/webeid.h) as the sign-in service
// reads it from a browser: the strict JSON reader (exactly five string fields, canonical
// base64, format web-eid:1.x), then every check on its certificate and signature against
// a trust that nothing the fuzzer makes can chain to (the fixture certificate as eID CA
// and root, an OCSP responder that is down). Never crashes, never signs anyone in; a
// refusal says why. valid_ seeds are tokens `riik id webeid` made: they must parse.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/webeid.h"
#include "crypto/x509.h"
#include "seeds.h"

using namespace riik;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auth::EidTrust* trust = [] {
    auto* t = new auth::EidTrust;
    auto ca = ParseCertificatePem(fuzz::kFixtureCertPem);
    auto root = ParseCertificatePem(fuzz::kFixtureCertPem);
    if (!ca.ok() || !root.ok()) std::abort();
    t->eid_ca = std::move(*ca);
    t->root = std::move(*root);
    t->ocsp_url = "http://127.0.0.1:1/ocsp";
    t->post_ocsp = [](const std::string&, std::string_view) -> Result<std::string> {
      return Unavailable("the fuzzer's OCSP responder is down");
    };
    t->clock = [] { return UnixMicros{1'796'000'000'000'000}; };
    return t;
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto token = auth::ParseWebEidToken(input);
  if (!token.ok()) {
    if (token.status().message().empty()) std::abort();
    fuzz::RequireValid(false, token.status().message());
    return 0;
  }
  if (auto value = auth::WebEidSignedValue(token->algorithm, "https://auth.riik.test", "bm9uY2U="); !value.ok()) {
    std::abort();  // the reader let through an algorithm the signer cannot hash for
  }
  auth::Checked<auth::Person> person = auth::VerifyWebEidToken(*token, "https://auth.riik.test", "bm9uY2U=", *trust);
  if (auth::Passed(person)) std::abort();  // nothing chains to the fixture
  if (std::get<auth::Refused>(person).detail.empty()) std::abort();
  return 0;
}
