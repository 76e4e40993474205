// Fuzzes the signed log's offline checks (src/transparency/entry_check.h, tree_head.h)
// with arbitrary JSON: an entry, or a signed head with its chain ({certificates, head}).
// Every input gets a verdict, never a crash; a refusal always says why. The seeds
// (fuzz/log_entry_corpus/) are cut from the documents of tests/transparency/legacy_logs,
// under that fixture's root below, so valid seeds reach every check and stay valid.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/json.h"
#include "crypto/x509.h"
#include "seeds.h"
#include "transparency/entry_check.h"

namespace {

constexpr const char* kLegacyRootPem = R"(-----BEGIN CERTIFICATE-----
MIIB7TCCAXOgAwIBAgIQUtxkDRX2tGMuAAuscYcFiDAKBggqhkjOPQQDAzA4MQsw
CQYDVQQGEwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENB
IDIwMjYwHhcNMjYxMjAyMTQxNDU5WhcNNDYxMTI3MTQxNTU5WjA4MQswCQYDVQQG
EwJFRTENMAsGA1UECgwEcmlpazEaMBgGA1UEAwwRcmlpayBSb290IENBIDIwMjYw
djAQBgcqhkjOPQIBBgUrgQQAIgNiAAThr9bp74APIWsrVYByiO+JQoZx3VkODsKr
Kd6C3g5P4rad0T/hkZ7iAYDXtA5gid59nS/gbrFbiNN91oqOb9IQyrwApNsNs24W
IJcWvYy8a9syz1c3oLlXUwI/B2qiyQqjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYD
VR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRlZUECgc0f47P4ozh3TvxqqqHcoDAKBggq
hkjOPQQDAwNoADBlAjEAnIuehsEJdxRMhLPaxa8nDjnp5leRyXGfKqzT85r0XrUf
E+EmF+k1JPv637uFqL5wAjA/Q4WFm5ItcMLPVo/K352O7/279uObGeJxMipugMqI
XzYjLH1C/83Z40Gy7ar4zRc=
-----END CERTIFICATE-----
)";

constexpr size_t kMaxEntryBytes = 1 << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static X509* root = [] {
    auto cert = riik::ParseCertificatePem(kLegacyRootPem);
    if (!cert.ok()) std::abort();
    return cert->release();
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  riik::Result<riik::Json> json = riik::ParseJson(text, riik::JsonLimits{kMaxEntryBytes, 8});
  if (!json.ok()) {
    riik::fuzz::RequireValid(false, json.status().message());
    return 0;
  }
  riik::Status verdict;
  if (json->is_object() && json->size() == 2 && json->contains("head")) {
    verdict = riik::transparency::CheckSignedHead(*json, "head", root).status();
  } else {
    std::string log_id;
    verdict = riik::transparency::CheckEntry(*json, "entry", root, log_id).status();
  }
  if (!verdict.ok() && verdict.message().empty()) std::abort();  // every refusal says why
  riik::fuzz::RequireValid(verdict.ok(), verdict.message());
  return 0;
}
