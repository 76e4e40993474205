// Fuzzes what the citizen's app sends the sign-in service, which anyone may send:
//
// An answer (auth/app_confirm.h), which anyone who knows a request's id may post: the
// certificate's parse, the person it names, the signature (r||s of the key's curve, over
// the hash as a digest), whether the eID CA issued the certificate (only then is the
// answer the person's own, which may end their request), then the eID checks, which
// nothing here passes (the CA below as eID CA and root, its clock before the CA's
// validity, an OCSP responder that is down). The input: one byte for the purpose ('s'
// signing, 'd' and 'h' below, anything else authentication), the certificate's length in
// two bytes (big-endian), the certificate (DER), the signature. Never signs anyone in and
// a refusal says why; valid_ seeds carry a certificate that CA issued to 38001085718 and
// its key's signature of the hash below, so they must be found to be the person's own
// answers.
//
// 'd': a device binding (auth/app_devices.h): the certificate as above, the device key's
// length (one byte) and DER, expires_at (8 bytes, big-endian), the signature. Never
// registered (the OCSP responder is down), and a refusal says why.
//
// 'h': an Authorization header for a look at the requests: parsed, written back and
// parsed again to the same; never lets a poll through (no device is registered).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/app_confirm.h"
#include "auth/app_devices.h"
#include "crypto/x509.h"
#include "eid_trust_fixture.h"
#include "seeds.h"

using namespace riik;

namespace {

// An eID CA for the fuzzer, on the fixture key (seeds.h; P-256, valid to 2126, pathlen 0).
// The person's certificate in the valid_ seeds is its; that key was thrown away.
constexpr const char* kEidCaPem = R"(-----BEGIN CERTIFICATE-----
MIIBtDCCAVqgAwIBAgIBBzAKBggqhkjOPQQDAjA/MQswCQYDVQQGEwJFRTEVMBMG
A1UECgwMcmlpayBmdXp6aW5nMRkwFwYDVQQDDBByaWlrIGZ1enogZUlEIENBMCAX
DTI2MTIwNjEwNDYwN1oYDzIxMjYxMTEyMTA0NjA3WjA/MQswCQYDVQQGEwJFRTEV
MBMGA1UECgwMcmlpayBmdXp6aW5nMRkwFwYDVQQDDBByaWlrIGZ1enogZUlEIENB
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf//nR96XOcg3eonVkuRNNcCLVHIV
Gp9iNZzC2XE2ll0PKfEKEvqvxMFmH36D7D2CG8AKHO6Qi8HyiIal48sfVKNFMEMw
EgYDVR0TAQH/BAgwBgEB/wIBADAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFIUN
Afi4sHQ1vzfkHoHkIKFEmzKlMAoGCCqGSM49BAMCA0gAMEUCIGB9i4NkS11vql3T
nfUo1xQ4CLzEhdMkNttCSXRamaf5AiEA7FnWMCINMJFA1Jh3qybtTm0WOGmTKE4D
ygYp7gWXPzM=
-----END CERTIFICATE-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auth::EidTrust* trust = fuzz::NewEidTrust(kEidCaPem);
  static const std::string issuer = "https://signin.riik.fuzz";
  static auth::AppDevices* devices = new auth::AppDevices(*trust, issuer, trust->clock);
  // SHA-384("riik fuzz app hash"): what an answer's signature is checked over.
  static const std::string hash = [] {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const std::string text = "riik fuzz app hash";
    EVP_Digest(text.data(), text.size(), out, &n, auth::AppHashDigest(), nullptr);
    return std::string(reinterpret_cast<const char*>(out), n);
  }();
  if (size >= 1 && data[0] == 'h') {
    std::string_view header(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto poll = auth::ParseDeviceAuthorization(header);
    if (poll.ok()) {
      auto again = auth::ParseDeviceAuthorization(auth::DeviceAuthorization(*poll));
      if (!again.ok() || again->device_id != poll->device_id || again->time != poll->time ||
          again->signature != poll->signature) {
        std::abort();
      }
    }
    if (devices->Authenticate(header).ok()) std::abort();
    return 0;
  }
  if (size < 3) return 0;
  if (data[0] == 'd') {
    size_t at = 3, cert_size = std::min<size_t>(size - at, static_cast<size_t>(data[1]) << 8 | data[2]);
    auth::DeviceBinding b;
    b.issuer = issuer;  // this service's: the checks past the first
    b.certificate_der.assign(reinterpret_cast<const char*>(data) + at, cert_size);
    at += cert_size;
    if (at >= size) return 0;
    size_t key_size = std::min<size_t>(size - at - 1, data[at]);
    b.device_key_der.assign(reinterpret_cast<const char*>(data) + at + 1, key_size);
    at += 1 + key_size;
    if (size - at < 8) return 0;
    uint64_t expires = 0;
    for (int i = 0; i < 8; ++i) expires = expires << 8 | data[at++];
    b.expires_at = static_cast<int64_t>(expires);
    b.signature.assign(reinterpret_cast<const char*>(data) + at, size - at);
    auto registered = devices->Register(b);
    if (auth::Passed(registered) || std::get<auth::Refused>(registered).detail.empty()) std::abort();
    return 0;
  }
  const auth::CertPurpose purpose = data[0] == 's' ? auth::CertPurpose::kSigning : auth::CertPurpose::kAuthentication;
  const size_t cert_size = std::min<size_t>(size - 3, static_cast<size_t>(data[1]) << 8 | data[2]);
  const char* bytes = reinterpret_cast<const char*>(data) + 3;
  auth::AppAnswer answer{std::string(bytes, cert_size), std::string(bytes + cert_size, size - 3 - cert_size)};
  bool key_signed = false;
  auth::Checked<auth::Person> person = auth::VerifyAppAnswer(answer, "38001085718", hash, purpose, *trust, &key_signed);
  if (auth::Passed(person)) std::abort();  // nothing chains to the fixture
  if (std::get<auth::Refused>(person).detail.empty()) std::abort();
  // Only a certificate the eID CA signed makes an answer the person's own (a stranger's
  // must never end the person's request).
  if (key_signed) {
    auto cert = ParseCertificateDer(answer.certificate_der);
    if (!cert.ok() || X509_verify(cert->get(), X509_get0_pubkey(trust->eid_ca.get())) != 1) std::abort();
  }
  fuzz::RequireValid(key_signed, std::get<auth::Refused>(person).detail);
  return 0;
}
