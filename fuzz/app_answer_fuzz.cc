// Fuzzes the sign-in service's check of an answer from the citizen's app (auth/
// app_confirm.h), which anyone who knows a request's id may post: the certificate's
// parse, the person it names, the signature (r||s of the key's curve, over the hash as a
// digest), then the eID checks against a trust nothing here chains to (the fixture
// certificate as eID CA and root, an OCSP responder that is down). The input: one byte
// for the purpose ('s' signing, anything else authentication), the certificate's length
// in two bytes (big-endian), the certificate (DER), the signature. Never signs anyone in
// and a refusal says why; valid_ seeds carry the fixture certificate and its key's
// signature of the hash below, so their signature must be found to be the key's.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/app_confirm.h"
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
  // SHA-384("riik fuzz app hash"), the hash the request asked the app to sign.
  static const std::string hash = [] {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const std::string text = "riik fuzz app hash";
    EVP_Digest(text.data(), text.size(), out, &n, auth::AppHashDigest(), nullptr);
    return std::string(reinterpret_cast<const char*>(out), n);
  }();
  if (size < 3) return 0;
  const auth::CertPurpose purpose = data[0] == 's' ? auth::CertPurpose::kSigning : auth::CertPurpose::kAuthentication;
  const size_t cert_size = std::min<size_t>(size - 3, static_cast<size_t>(data[1]) << 8 | data[2]);
  const char* bytes = reinterpret_cast<const char*>(data) + 3;
  auth::AppAnswer answer{std::string(bytes, cert_size), std::string(bytes + cert_size, size - 3 - cert_size)};
  bool key_signed = false;
  auth::Checked<auth::Person> person = auth::VerifyAppAnswer(answer, "38001085718", hash, purpose, *trust, &key_signed);
  if (auth::Passed(person)) std::abort();  // nothing chains to the fixture
  if (std::get<auth::Refused>(person).detail.empty()) std::abort();
  fuzz::RequireValid(key_signed, std::get<auth::Refused>(person).detail);
  return 0;
}
