// Fuzzes the timestamping authority with arbitrary query bytes: every input must get a
// well-formed TimeStampResp, never a crash: a rejection with a failInfo, or a granted
// token whose TSTInfo carries the query's imprint and nonce.
#include <openssl/ts.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "seeds.h"
#include "trust/tsa.h"
#include "trust_fixture.h"

namespace {

struct TsRespFree {
  void operator()(TS_RESP* r) const { TS_RESP_free(r); }
};
struct TsReqFree {
  void operator()(TS_REQ* r) const { TS_REQ_free(r); }
};

// The granted token answers this query: same imprint, same nonce.
void CheckGranted(TS_RESP* resp, const uint8_t* data, size_t size) {
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp);
  if (!info || !TS_RESP_get_token(resp)) std::abort();
  const unsigned char* p = data;
  std::unique_ptr<TS_REQ, TsReqFree> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(size)));
  if (!req || p != data + size) std::abort();  // granted, so it must have been a query
  const ASN1_OCTET_STRING* asked = TS_MSG_IMPRINT_get_msg(TS_REQ_get_msg_imprint(req.get()));
  const ASN1_OCTET_STRING* got = TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(info));
  if (ASN1_STRING_cmp(asked, got) != 0) std::abort();
  const ASN1_INTEGER* nonce = TS_REQ_get_nonce(req.get());
  const ASN1_INTEGER* echoed = TS_TST_INFO_get_nonce(info);
  if ((nonce == nullptr) != (echoed == nullptr) || (nonce && ASN1_INTEGER_cmp(nonce, echoed) != 0)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* tsa = [] {
    auto& f = riik::fuzz::Trust();
    auto t = riik::trust::TimestampAuthority::Create(*f.ca, *f.store);
    if (!t.ok()) std::abort();
    return t->release();
  }();
  std::string der = tsa->Respond(std::string_view(reinterpret_cast<const char*>(data), size));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<TS_RESP, TsRespFree> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (!resp || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) std::abort();
  TS_STATUS_INFO* status = TS_RESP_get_status_info(resp.get());
  long code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));
  riik::fuzz::RequireValid(code == TS_STATUS_GRANTED, "the TSA did not grant the query");
  if (code == TS_STATUS_GRANTED) {
    CheckGranted(resp.get(), data, size);
  } else if (code != TS_STATUS_REJECTION || !TS_STATUS_INFO_get0_failure_info(status)) {
    std::abort();
  }
  return 0;
}
