// Fuzzes the OCSP responder with arbitrary request bytes: every input must produce a
// well-formed OCSPResponse (never a crash, never an empty answer). A request that parses
// is also asked again as one about the fixture's organisations CA (its CertIDs' issuer
// hashes replaced by the fixture's), so the inputs reach the serial lookup and the
// signing instead of stopping at "another issuer"; valid_ seeds must then be answered
// "successful" (seeds.h).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crypto/handles.h"
#include "seeds.h"
#include "trust/ocsp_responder.h"
#include "trust_fixture.h"

namespace {

// `der` rewritten to ask the fixture's organisations CA; "" if it is not a request.
std::string AsFixtureRequest(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  riik::UniquePtr<OCSP_REQUEST> req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
  if (!req) return "";
  X509* issuer = riik::fuzz::Trust().ca->org_certificate();
  for (int i = 0; i < OCSP_request_onereq_count(req.get()); ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    ASN1_OCTET_STRING *name_hash = nullptr, *key_hash = nullptr;
    ASN1_OBJECT* md_oid = nullptr;
    if (!OCSP_id_get0_info(&name_hash, &md_oid, &key_hash, nullptr, id)) return "";
    const EVP_MD* md = EVP_get_digestbyobj(md_oid);
    if (md == nullptr) return "";
    riik::UniquePtr<OCSP_CERTID> ours(OCSP_cert_to_id(md, nullptr, issuer));
    ASN1_OCTET_STRING *our_name = nullptr, *our_key = nullptr;
    if (!ours || !OCSP_id_get0_info(&our_name, nullptr, &our_key, nullptr, ours.get())) return "";
    if (!ASN1_OCTET_STRING_set(name_hash, our_name->data, our_name->length) ||
        !ASN1_OCTET_STRING_set(key_hash, our_key->data, our_key->length)) {
      return "";
    }
  }
  return riik::ToDer(req.get(), i2d_OCSP_REQUEST);
}

// The responder's answer, which must be a DER OCSPResponse; its status.
int Ask(riik::trust::OcspResponder& responder, std::string_view request) {
  std::string der = responder.Respond(request);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  riik::UniquePtr<OCSP_RESPONSE> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!resp) std::abort();
  return OCSP_response_status(resp.get());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* responder = [] {
    auto r = riik::trust::OcspResponder::Create(*riik::fuzz::Trust().ca);
    if (!r.ok()) std::abort();
    return r->release();
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Ask(*responder, input);
  std::string rewritten = AsFixtureRequest(input);
  if (!rewritten.empty()) {
    riik::fuzz::RequireValid(Ask(*responder, rewritten) == OCSP_RESPONSE_STATUS_SUCCESSFUL,
                             "the request, asked of the fixture's CA, was not answered successfully");
  } else {
    riik::fuzz::RequireValid(false, "not an OCSP request");
  }
  return 0;
}
