// RFC 3161 queries and replies with OpenSSL's TS_* API.
#include "trust/timestamp_client.h"

#include <openssl/rand.h>
#include <openssl/ts.h>

#include <memory>

#include "crypto/handles.h"
#include "trust/chain_checks.h"

namespace riik::trust {

Result<TimestampQuery> BuildTimestampQuery(std::string_view sha256_digest) {
  if (sha256_digest.size() != kSha256Size) return InvalidArgument("a timestamp query is for a 32-byte SHA-256 digest");
  UniquePtr<TS_REQ> req(TS_REQ_new());
  UniquePtr<TS_MSG_IMPRINT> imprint(TS_MSG_IMPRINT_new());
  UniquePtr<X509_ALGOR> algo(X509_ALGOR_new());
  unsigned char random[8];
  UniquePtr<BIGNUM> nonce_bn(BN_new());
  if (!req || !imprint || !algo || !nonce_bn || RAND_bytes(random, sizeof random) != 1 ||
      !BN_bin2bn(random, sizeof random, nonce_bn.get())) {
    return Internal(OpenSslErrors("cannot build a timestamp query"));
  }
  UniquePtr<ASN1_INTEGER> nonce(BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr));
  std::string digest(sha256_digest);
  bool built = nonce && X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) == 1 &&
               TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get()) == 1 &&  // the setters copy
               TS_MSG_IMPRINT_set_msg(imprint.get(), reinterpret_cast<unsigned char*>(digest.data()),
                                      static_cast<int>(digest.size())) == 1 &&
               TS_REQ_set_version(req.get(), 1) == 1 && TS_REQ_set_msg_imprint(req.get(), imprint.get()) == 1 &&
               TS_REQ_set_nonce(req.get(), nonce.get()) == 1 && TS_REQ_set_cert_req(req.get(), 1) == 1;
  if (!built) return Internal(OpenSslErrors("cannot build a timestamp query"));
  TimestampQuery q{ToDer(req.get(), i2d_TS_REQ), ToDer(nonce.get(), i2d_ASN1_INTEGER)};
  if (q.der.empty() || q.nonce.empty()) return Internal(OpenSslErrors("cannot encode a timestamp query"));
  return q;
}

Result<std::string> TokenFromReply(std::string_view reply_der, const TimestampQuery& query,
                                   std::string_view sha256_digest) {
  if (reply_der.size() > kMaxTimestampReplyBytes) return DataLoss("the TSA's reply is larger than 64 KiB");
  const auto* p = reinterpret_cast<const unsigned char*>(reply_der.data());
  UniquePtr<TS_RESP> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(reply_der.size())));
  if (!resp || p != reinterpret_cast<const unsigned char*>(reply_der.data()) + reply_der.size()) {
    return DataLoss("the TSA's reply is not a DER TimeStampResp");
  }
  TS_STATUS_INFO* info = TS_RESP_get_status_info(resp.get());
  long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(info));
  if (status != 0 && status != 1) {  // granted, grantedWithMods
    std::string text;
    const STACK_OF(ASN1_UTF8STRING)* texts = TS_STATUS_INFO_get0_text(info);
    for (int i = 0; texts && i < sk_ASN1_UTF8STRING_num(texts); ++i) {
      const ASN1_UTF8STRING* s = sk_ASN1_UTF8STRING_value(texts, i);
      text += (text.empty() ? "" : "; ") +
              std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    }
    return Unavailable("the TSA refused the query (status " + std::to_string(status) +
                       (text.empty() ? "" : ": " + text) + ")");
  }
  PKCS7* token = TS_RESP_get_token(resp.get());
  TS_TST_INFO* tst = TS_RESP_get_tst_info(resp.get());
  if (!token || !tst) return DataLoss("the TSA granted the query but sent no token");
  const ASN1_INTEGER* nonce = TS_TST_INFO_get_nonce(tst);
  if (!nonce || ToDer(nonce, i2d_ASN1_INTEGER) != query.nonce) return DataLoss("the TSA's token answers another nonce");
  std::string token_der = ToDer(token, i2d_PKCS7);
  ASSIGN_OR_RETURN(Digest imprint, TimestampTokenImprint(token_der));
  if (DigestBytes(imprint) != sha256_digest) return DataLoss("the TSA's token stamps another digest");
  return token_der;
}

}  // namespace riik::trust
