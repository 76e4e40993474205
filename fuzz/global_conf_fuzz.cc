// Fuzzes the global configuration's verifier two ways. The input as a signed document:
// VerifyGlobalConf never crashes and accepts nothing the harness's anchor did not sign.
// The input as the "conf" part: whatever FromJson accepts is signed here with the
// harness's own key (sealed inside, so the fuzzer reaches past the signature) and must
// then verify, and read back as the same configuration.
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/json.h"
#include "crypto/self_signed.h"
#include "crypto/x509.h"
#include "exchange/global_conf.h"
#include "seeds.h"

using namespace riik;

namespace {

struct Fixture {
  UniquePtr<EVP_PKEY> key;
  UniquePtr<X509> cert;
  exchange::TrustAnchor anchor;
};

const Fixture& TheFixture() {
  static const Fixture* f = [] {
    auto* out = new Fixture;
    auto id = MakeSelfSigned("fuzz central authority", {"localhost"}, 30);
    if (!id.ok()) std::abort();
    out->key = std::move(*ParsePrivateKeyPem(id->key_pem));
    out->cert = std::move(*ParseCertificatePem(id->cert_pem));
    out->anchor = exchange::TrustAnchor{"EE", {id->cert_pem}};
    return out;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = TheFixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)exchange::VerifyGlobalConf(text, f.anchor, 0);  // unsigned by the anchor: refused, never a crash

  auto json = ParseJson(text, JsonLimits{1 << 20, 16});
  riik::fuzz::RequireValid(json.ok(), "not JSON");
  if (!json.ok()) return 0;
  auto conf = exchange::GlobalConf::FromJson(*json);
  riik::fuzz::RequireValid(conf.ok(), conf.ok() ? "" : conf.status().message());
  if (!conf.ok() || conf->instance != "EE" || conf->expires_at <= INT64_MIN + 1) return 0;
  auto signed_doc = exchange::SignGlobalConf(*conf, f.key.get(), f.cert.get());
  riik::fuzz::RequireValid(signed_doc.ok(), "signing the configuration failed");
  if (!signed_doc.ok()) return 0;
  auto verified = exchange::VerifyGlobalConf(*signed_doc, f.anchor, conf->expires_at - 1);
  riik::fuzz::RequireValid(verified.ok(), verified.ok() ? "" : verified.status().message());
  if (!verified.ok()) return 0;  // e.g. beyond the document's size limit once signed
  if (verified->ToJson() != conf->ToJson()) std::abort();
  return 0;
}
