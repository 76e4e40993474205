// Fuzzes offline verification of data tracker listings (src/tracker/listing.h) with
// arbitrary documents: every input must give a verdict (almost always an error naming
// what failed), never a crash. The seed corpus (fuzz/tracker_listing_corpus/) was made
// by the disabled test TrackerTest.DISABLED_WriteFuzzCorpus under the test root below,
// so that valid seeds reach every check; regenerate both together.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/x509.h"
#include "seeds.h"
#include "tracker/listing.h"

namespace {

constexpr const char* kTestRootPem = R"(-----BEGIN CERTIFICATE-----
MIIB7TCCAXOgAwIBAgIQJu/DrbvfRCbsekY11ERHATAKBggqhkjOPQQDAzA4MQsw
CQYDVQQGEwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENB
IDIwMjYwHhcNMjYxMTI5MTgwMjEyWhcNNDYxMTI0MTgwMzEyWjA4MQswCQYDVQQG
EwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENBIDIwMjYw
djAQBgcqhkjOPQIBBgUrgQQAIgNiAAS49bWEbGuNaF+5OSjudH3QVt3R0JbGEB5c
ZtPbB6GTbPtRzASwOm9AkCb1ky/IVgxaYrTDzF5Mb7cRN8y/m9eVAIXhMPseZQvx
TvJ6Hg55DreOaOM1Poifc933/RMRBxCjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYD
VR0PAQH/BAQDAgEGMB0GA1UdDgQWBBShgqmRGxKg2EOBjdLTcBt75HanwzAKBggq
hkjOPQQDAwNoADBlAjBS1Inv6SIifbNmM8SympnwmlU/KhIEWTABar4f2yT5i1Cy
i12KOF0qdn2AjNl+rbkCMQDAOJ5bQ9nlI/6nx86NkV4CEvia2WyfQXQlJRGKcYrk
31bhG96+352ExXnqToQAqOU=
-----END CERTIFICATE-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static X509* root = [] {
    auto cert = riik::ParseCertificatePem(kTestRootPem);
    if (!cert.ok()) std::abort();
    return cert->release();
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto verdict = riik::tracker::CheckListing(text, root);
  if (!verdict.ok() && verdict.status().message().empty()) std::abort();  // every refusal says why
  riik::fuzz::RequireValid(verdict.ok(), verdict.ok() ? "" : verdict.status().message());
  if (verdict.ok()) {  // a listing checked against itself as the previous one must hold
    auto again = riik::tracker::CheckListing(text, root, &*verdict);
    if (!again.ok() && again.status().message().empty()) std::abort();
  }
  return 0;
}
