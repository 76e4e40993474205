// Fuzzes offline evidence verification (src/exchange/evidence.h) with arbitrary
// documents: every input must give a verdict (almost always an error naming what failed),
// never a crash. The seed corpus (fuzz/evidence_corpus/) was made by the disabled test
// EvidenceTest.DISABLED_WriteFuzzCorpus under the test root below, so that valid seeds
// reach every check; regenerate both together.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/x509.h"
#include "exchange/evidence.h"
#include "seeds.h"

namespace {

constexpr const char* kTestRootPem = R"(-----BEGIN CERTIFICATE-----
MIIB7jCCAXOgAwIBAgIQC+GHbMY7O2VpaymAew3lWzAKBggqhkjOPQQDAzA4MQsw
CQYDVQQGEwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENB
IDIwMjYwHhcNMjYxMTI5MTQ0MDMzWhcNNDYxMTI0MTQ0MTMzWjA4MQswCQYDVQQG
EwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENBIDIwMjYw
djAQBgcqhkjOPQIBBgUrgQQAIgNiAATzspLo2LDRVp6KPqQOFTDngy/DjoNTufv1
wcx7lp4h2WMRpMV8tq+IXmGsT7FfvYCs/yxM0ToM95inqMW3oa2jHMlcelw9PWHF
sQsZY13E5er1KU/bK8wn5L99hanOO5CjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYD
VR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQIlBqlNnfCXoh2q4K4hS5/+Vy15jAKBggq
hkjOPQQDAwNpADBmAjEAghgq8MIquSzzeWQ8fzBO4xXF1svoCXJY5DvY3xIRWD9C
sULUmD8lK/yuZkBDIgL/AjEArsKJokFYw/MqkVpT92FDak0//Rfe4JycSlvYeIWR
yLag0cuGbJJQ2hqBgUlsCEI6
-----END CERTIFICATE-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static X509* root = [] {
    auto cert = riik::ParseCertificatePem(kTestRootPem);
    if (!cert.ok()) std::abort();
    return cert->release();
  }();
  riik::Result<riik::exchange::VerifiedEvidence> verdict =
      riik::exchange::CheckEvidence(std::string_view(reinterpret_cast<const char*>(data), size), root);
  if (!verdict.ok() && verdict.status().message().empty()) std::abort();  // every refusal says why
  riik::fuzz::RequireValid(verdict.ok(), verdict.ok() ? "" : verdict.status().message());
  return 0;
}
