// RFC 3161 responses through OpenSSL's TS_RESP_CTX.
#include "trust/tsa.h"

#include <openssl/ts.h>

#include "crypto/x509.h"

namespace riik::trust {
namespace {

constexpr int64_t kSerialBlock = 1000;

struct CtxFree {
  void operator()(TS_RESP_CTX* c) const { TS_RESP_CTX_free(c); }
};
struct RespFree {
  void operator()(TS_RESP* r) const { TS_RESP_free(r); }
};
struct ReqFree {
  void operator()(TS_REQ* r) const { TS_REQ_free(r); }
};

}  // namespace

struct TimestampAuthority::Impl {
  CertificateAuthority* ca = nullptr;
  store::Store* store = nullptr;
  CertificateAuthority::Signer signer;
  UniquePtr<STACK_OF(X509)> chain;
  UniquePtr<ASN1_OBJECT> policy;
  mutable std::mutex mu;          // guards the context and the serials
  std::unique_ptr<TS_RESP_CTX, CtxFree> ctx;
  int64_t next_serial = 0;        // the next serial to give
  int64_t reserved_until = 0;     // serials below this are reserved in the store

  // Hands out the next serial, reserving a new block in the store when one runs out.
  Result<int64_t> NextSerial() {
    if (next_serial >= reserved_until) {
      int64_t until = next_serial + kSerialBlock;
      RETURN_IF_ERROR(store
                          ->Write([&](store::WriteTxn& txn) {
                            return txn.Put("tsa_serials", {{"name", std::string("next")}, {"value", until}});
                          })
                          .status());
      reserved_until = until;
    }
    return next_serial++;
  }
};

namespace {

// TS_RESP_CTX asks for a serial through a callback; failing it makes the response a
// rejection (systemFailure), which is what a client should see if the store is down.
ASN1_INTEGER* SerialCallback(TS_RESP_CTX* ctx, void* data) {
  auto* impl = static_cast<TimestampAuthority::Impl*>(data);
  auto serial = impl->NextSerial();
  if (!serial.ok()) {
    TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "the TSA cannot record serial numbers now");
    TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
    return nullptr;
  }
  ASN1_INTEGER* out = ASN1_INTEGER_new();
  ASN1_INTEGER_set_int64(out, *serial);
  return out;
}

}  // namespace

TimestampAuthority::TimestampAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TimestampAuthority::~TimestampAuthority() = default;

Result<std::unique_ptr<TimestampAuthority>> TimestampAuthority::Create(CertificateAuthority& ca, store::Store& store) {
  RETURN_IF_ERROR(store.EnsureTables({{"tsa_serials",
                                       {{"name", store::ColumnType::kText}, {"value", store::ColumnType::kInt}},
                                       {"name"},
                                       {}}}));
  auto impl = std::make_unique<Impl>();
  impl->ca = &ca;
  impl->store = &store;
  ASSIGN_OR_RETURN(impl->signer, ca.ServiceSigner(Profile::kTimestamping));
  ASSIGN_OR_RETURN(auto row, store.Get("tsa_serials", {{"name", std::string("next")}}));
  if (row) {
    if (auto* v = std::get_if<int64_t>(&(*row)["value"])) impl->next_serial = impl->reserved_until = *v;
  }
  if (impl->next_serial == 0) impl->next_serial = impl->reserved_until = 1;
  impl->chain.reset(sk_X509_new_null());
  sk_X509_push(impl->chain.get(), ca.org_certificate());
  impl->policy.reset(OBJ_txt2obj(kTsaPolicyOid, 1));

  impl->ctx.reset(TS_RESP_CTX_new());
  TS_RESP_CTX* ctx = impl->ctx.get();
  if (!ctx || !TS_RESP_CTX_set_signer_cert(ctx, impl->signer.cert.get()) ||
      !TS_RESP_CTX_set_signer_key(ctx, impl->signer.key.get()) || !TS_RESP_CTX_set_certs(ctx, impl->chain.get()) ||
      !TS_RESP_CTX_set_def_policy(ctx, impl->policy.get()) || !TS_RESP_CTX_add_md(ctx, EVP_sha256()) ||
      !TS_RESP_CTX_add_md(ctx, EVP_sha384()) || !TS_RESP_CTX_add_md(ctx, EVP_sha512()) ||
      !TS_RESP_CTX_set_accuracy(ctx, 0, 100, 0) || !TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256())) {
    return Internal("setting up the timestamping context: " + OpenSslErrors());
  }
  TS_RESP_CTX_set_serial_cb(ctx, SerialCallback, impl.get());
  TS_RESP_CTX_add_flags(ctx, TS_TSA_NAME);  // name the TSA in every token
  return std::unique_ptr<TimestampAuthority>(new TimestampAuthority(std::move(impl)));
}

std::string TimestampAuthority::Respond(std::string_view der_query) {
  std::lock_guard lock(impl_->mu);
  if (der_query.size() > kMaxTimestampQueryBytes) der_query = std::string_view();  // → badDataFormat
  UniquePtr<BIO> in(BIO_new_mem_buf(der_query.data(), static_cast<int>(der_query.size())));
  std::unique_ptr<TS_RESP, RespFree> resp(TS_RESP_create_response(impl_->ctx.get(), in.get()));
  if (!resp) return "";  // only on allocation failure: the HTTP layer answers 500
  return ToDer(resp.get(), i2d_TS_RESP);
}

Result<std::string> TimestampAuthority::TimestampDigest(std::string_view sha256_digest) {
  if (sha256_digest.size() != 32) return InvalidArgument("a SHA-256 digest is 32 bytes");
  // Build the query a client would send, and answer it.
  std::unique_ptr<TS_REQ, ReqFree> req(TS_REQ_new());
  TS_REQ_set_version(req.get(), 1);
  std::unique_ptr<TS_MSG_IMPRINT, decltype(&TS_MSG_IMPRINT_free)> imprint(TS_MSG_IMPRINT_new(), TS_MSG_IMPRINT_free);
  std::unique_ptr<X509_ALGOR, decltype(&X509_ALGOR_free)> algo(X509_ALGOR_new(), X509_ALGOR_free);
  X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get());
  TS_MSG_IMPRINT_set_msg(imprint.get(), reinterpret_cast<unsigned char*>(const_cast<char*>(sha256_digest.data())), 32);
  TS_REQ_set_msg_imprint(req.get(), imprint.get());
  TS_REQ_set_cert_req(req.get(), 1);
  std::string resp_der = Respond(ToDer(req.get(), i2d_TS_REQ));
  const unsigned char* q = reinterpret_cast<const unsigned char*>(resp_der.data());
  std::unique_ptr<TS_RESP, RespFree> resp(d2i_TS_RESP(nullptr, &q, static_cast<long>(resp_der.size())));
  if (!resp) return Internal("the TSA produced no response");
  long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get())));
  if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
    return Unavailable("the TSA refused to timestamp (status " + std::to_string(status) + ")");
  }
  PKCS7* token = TS_RESP_get_token(resp.get());
  std::string out = ToDer(token, i2d_PKCS7);
  if (out.empty()) return Internal("encoding the timestamp token failed");
  return out;
}

int64_t TimestampAuthority::next_serial() const {
  std::lock_guard lock(impl_->mu);
  return impl_->next_serial;
}

}  // namespace riik::trust
