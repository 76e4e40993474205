// Fuzzes the OCSP client's check of a responder's answer (trust/ocsp_client.h), as the
// security servers, the signer of a container and the sign-in service read answers from
// the network: the DER parse and size limit, the response status, the signature by the
// issuer or by a responder it delegated to, the CertID (SHA-1 or another hash) and the
// times. Every refusal says why; an accepted answer names its responder, and a revoked
// one its time of revocation. valid_ seeds are answers about the leaf below, made with
// `openssl ocsp` (by the issuer itself, and by a delegated responder whose certificate
// the answer carries): they must be accepted.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/x509.h"
#include "seeds.h"
#include "trust/ocsp_client.h"

namespace {

// A CA and a certificate it issued, made for this fuzzer (P-256, valid to 2126); the
// keys were thrown away once the seeds were signed.
constexpr const char* kRootPem = R"(-----BEGIN CERTIFICATE-----
MIIBtjCCAV2gAwIBAgIBATAKBggqhkjOPQQDAjBCMQswCQYDVQQGEwJFRTEVMBMG
A1UECgwMcmlpayBmdXp6aW5nMRwwGgYDVQQDDBNyaWlrIGZ1enogT0NTUCByb290
MCAXDTI2MTIwNjEwMTM0NVoYDzIxMjYxMTEyMTAxMzQ1WjBCMQswCQYDVQQGEwJF
RTEVMBMGA1UECgwMcmlpayBmdXp6aW5nMRwwGgYDVQQDDBNyaWlrIGZ1enogT0NT
UCByb290MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOcg4NPN97SzbhJhenAIt
rAh6dE6VHxkxSl9zQZ6x/lDl8yEwoXxIdQ/zmQE+ZrSbiTQEnxCC22UcOa7q1wEw
waNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYE
FEqg9XTLPfFAoG0zmbs0BE7JL+FzMAoGCCqGSM49BAMCA0cAMEQCICNVsgwUhfs0
t0SMr4lj7BkG7hlMKLXrlJrI5xhPT109AiBvzJ49chdMvgz2Z/M6cR95IDpXx6bg
0ybWtiLjIx5VoA==
-----END CERTIFICATE-----
)";
constexpr const char* kLeafPem = R"(-----BEGIN CERTIFICATE-----
MIIB0DCCAXagAwIBAgIBAjAKBggqhkjOPQQDAjBCMQswCQYDVQQGEwJFRTEVMBMG
A1UECgwMcmlpayBmdXp6aW5nMRwwGgYDVQQDDBNyaWlrIGZ1enogT0NTUCByb290
MCAXDTI2MTIwNjEwMTM0NVoYDzIxMjYxMTEyMTAxMzQ1WjA9MQswCQYDVQQGEwJF
RTEVMBMGA1UECgwMcmlpayBmdXp6aW5nMRcwFQYDVQQDDA5yaWlrIGZ1enogbGVh
ZjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJzMZjIbYkb6YqPOsjt5Xf2imYty
qEJL1DQU+ZW3P6Hq3gFsB48mnvkiIEhjz2hn5P4u6mopjBQeoUDKCzRjvfOjYDBe
MAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB8GA1UdIwQYMBaAFEqg9XTL
PfFAoG0zmbs0BE7JL+FzMB0GA1UdDgQWBBTE251bxMuN1CDUWuxhFG6HLNyuUzAK
BggqhkjOPQQDAgNIADBFAiEAxeDw7RW0D7EEUfQyo4AZxCEk12+PArksrtKoqm8E
NwACIASF3eXPGMFvlyDtXKah3E53MoN6uRCBIwNpaY+78Zih
-----END CERTIFICATE-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik;
  static X509* root = ParseCertificatePem(kRootPem).value().release();
  static X509* leaf = ParseCertificatePem(kLeafPem).value().release();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto answer = trust::CheckOcspResponse(input, leaf, root, root, nullptr, trust::kAtProducedAt);
  if (!answer.ok()) {
    if (answer.status().message().empty()) std::abort();
    fuzz::RequireValid(false, answer.status().message());
    return 0;
  }
  if (answer->responder.empty() || answer->produced_at == 0) std::abort();
  if (answer->status == trust::CertStatus::kRevoked && answer->revoked_at == 0) std::abort();
  return 0;
}
