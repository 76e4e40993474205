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
#include "eid_trust_fixture.h"
#include "seeds.h"

using namespace riik;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auth::EidTrust* trust = fuzz::NewEidTrust(fuzz::kFixtureCertPem);
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
