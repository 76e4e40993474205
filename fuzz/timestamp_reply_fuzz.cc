// Fuzzes the TSA client's reading of a TimeStampResp (trust/timestamp_client.h), as the
// message logs, the signer and the ballot box take it from the network: the size limit,
// the DER parse, the status (a refusal's texts joined into its message), the nonce and
// the token's imprint. Every refusal says why; an accepted token stamps the query's
// digest. valid_ seeds are `openssl ts -reply` answers to the query below (its nonce and
// digest are fixed here): they must be accepted.
#include <openssl/pkcs7.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/handles.h"
#include "crypto/sha256.h"
#include "seeds.h"
#include "trust/chain_checks.h"
#include "trust/timestamp_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik;
  // The query the seeds answer: SHA-256("riik fuzz"), nonce 0x696EA97C2693DF53.
  static const std::string digest = DigestBytes(Sha256("riik fuzz"));
  static const trust::TimestampQuery query{"", std::string("\x02\x08\x69\x6e\xa9\x7c\x26\x93\xdf\x53", 10)};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto token = trust::TokenFromReply(input, query, digest);
  if (!token.ok()) {
    if (token.status().message().empty()) std::abort();
    fuzz::RequireValid(false, token.status().message());
    return 0;
  }
  // The token kept is DER (parsed again it encodes the same: the evidence's bytes do not
  // change under whoever re-reads them), and stamps the query's digest. (It is not
  // always the reply's own bytes: OpenSSL reads BER, and a TSA may send non-DER lengths.)
  const auto* p = reinterpret_cast<const unsigned char*>(token->data());
  UniquePtr<PKCS7> again(d2i_PKCS7(nullptr, &p, static_cast<long>(token->size())));
  if (!again || ToDer(again.get(), i2d_PKCS7) != *token) std::abort();
  auto imprint = trust::TimestampTokenImprint(*token);
  if (!imprint.ok() || DigestBytes(*imprint) != digest) std::abort();
  return 0;
}
