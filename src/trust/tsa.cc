// RFC 3161 responses without a global lock: OpenSSL parses the query (d2i_TS_REQ), the
// response is written with der::Writer around blocks encoded once at Create() (TSA
// name, certificates, signer id, ESS signingCertificateV2), and each token costs one
// SHA-256 of the TSTInfo, one of the signed attributes and one ECDSA P-256 signature
// from a pool of signing contexts. Only taking a serial number holds a lock.
#include "trust/tsa.h"

#include <openssl/err.h>
#include <openssl/ts.h>

#include <algorithm>
#include <array>
#include <new>
#include <variant>
#include <vector>

#include "crypto/der.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"

namespace riik::trust {
namespace {

constexpr int64_t kSerialBlock = 100000;  // serials reserved per store write
constexpr int kAccuracyMillis = 100;
constexpr int64_t kStatusGranted = 0, kStatusRejection = 2;

// PKIFailureInfo bits (RFC 3161 §2.4.2).
constexpr unsigned kBadAlg = 0, kBadDataFormat = 5, kUnacceptedPolicy = 15, kUnacceptedExtension = 16,
                   kAddInfoNotAvailable = 17, kSystemFailure = 25;

// Encoded arcs of the OIDs in a token.
constexpr std::string_view kOidSignedData = "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02";             // 1.2.840.113549.1.7.2
constexpr std::string_view kOidTstInfo = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x04";        // …1.9.16.1.4
constexpr std::string_view kOidContentType = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03";            // …1.9.3
constexpr std::string_view kOidMessageDigest = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04";          // …1.9.4
constexpr std::string_view kOidSigningTime = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x05";            // …1.9.5
constexpr std::string_view kOidSigningCertV2 = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x2f";  // …1.9.16.2.47
constexpr std::string_view kOidSha256 = "\x60\x86\x48\x01\x65\x03\x04\x02\x01";   // 2.16.840.1.101.3.4.2.1
constexpr std::string_view kOidEcdsaSha256 = "\x2a\x86\x48\xce\x3d\x04\x03\x02";  // 1.2.840.10045.4.3.2

// signingTime is a UTCTime up to 2049 and a GeneralizedTime from 2050 (RFC 5652 §11.3).
constexpr UnixMicros k2050 = 2524608000LL * 1000000;

// A query that passed every check, reduced to what goes into the token.
struct Query {
  std::string imprint;    // the MessageImprint, DER
  std::string nonce;      // the nonce INTEGER, DER; empty if the query had none
  bool cert_req = false;  // include the certificates in the token
};

// Why a query is refused: the statusString and the PKIFailureInfo bit.
struct Refusal {
  std::string_view text;
  unsigned failure_bit;
};

// A TimeStampResp with status rejection.
std::string Rejection(const Refusal& r) {
  der::Writer out(64 + r.text.size());
  out.Sequence([&](der::Writer& resp) {
    resp.Sequence([&](der::Writer& info) {
      info.Integer(kStatusRejection);
      info.Sequence([&](der::Writer& free_text) { free_text.Utf8String(r.text); });
      info.NamedBits({r.failure_bit});
    });
  });
  return out.Take();
}

std::string Granted(std::string_view token) {
  der::Writer out(token.size() + 16);
  out.Sequence([&](der::Writer& resp) {
    resp.Sequence([&](der::Writer& info) { info.Integer(kStatusGranted); });
    resp.Raw(token);
  });
  return out.Take();
}

// An Attribute { type, SET { value } } with one value, encoded.
std::string Attribute(std::string_view type_arcs, std::string_view value_der) {
  der::Writer out(value_der.size() + 24);
  out.Sequence([&](der::Writer& attr) {
    attr.Oid(type_arcs);
    attr.Set([&](der::Writer& values) { values.Raw(value_der); });
  });
  return out.Take();
}

std::string AlgorithmId(std::string_view arcs) {
  der::Writer out;
  out.Sequence([&](der::Writer& alg) { alg.Oid(arcs); });
  return out.Take();
}

}  // namespace

// EVP_PKEY_CTXs set up for signing with the TSA key, one per concurrent signature:
// taken and given back under a short lock, so signatures run in parallel. (Outside the
// anonymous namespace: the Impl below holds one.)
class TsaSignerPool {
 public:
  TsaSignerPool(EVP_PKEY* key, const EVP_MD* md) : key_(key), md_(md) {}

  // The DER ECDSA signature of a SHA-256 digest, or an error.
  Result<std::string> Sign(const Digest& digest) {
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY_CTX> ctx, Take());
    std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key_)), '\0');
    size_t len = sig.size();
    int ok = EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, digest.data(), digest.size());
    Give(std::move(ctx));
    if (ok != 1) return Internal("signing the timestamp token: " + OpenSslErrors());
    sig.resize(len);
    return sig;
  }

 private:
  Result<UniquePtr<EVP_PKEY_CTX>> Take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        UniquePtr<EVP_PKEY_CTX> ctx = std::move(idle_.back());
        idle_.pop_back();
        return ctx;
      }
    }
    UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), md_) != 1) {
      return Internal("setting up a signing context: " + OpenSslErrors());
    }
    return ctx;
  }

  void Give(UniquePtr<EVP_PKEY_CTX> ctx) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(ctx));
  }

  EVP_PKEY* key_;
  const EVP_MD* md_;
  std::mutex mu_;
  std::vector<UniquePtr<EVP_PKEY_CTX>> idle_;
};

struct TimestampAuthority::Impl {
  store::Store* store = nullptr;
  Clock clock;
  CertificateAuthority::Signer signer;
  UniquePtr<EVP_MD> sha256;  // fetched once: no provider look-up per request
  std::unique_ptr<TsaSignerPool> signers;
  UniquePtr<ASN1_OBJECT> policy;  // to compare with a query's reqPolicy

  // Encoded once at Create().
  std::string policy_oid;           // TSAPolicyId
  std::string accuracy;             // Accuracy { millis 100 }
  std::string tsa_name;             // tsa [0] GeneralName directoryName: the TSA cert subject
  std::string certificates;         // [0] IMPLICIT CertificateSet: TSA cert, organisations CA
  std::string signer_id;            // IssuerAndSerialNumber of the TSA cert
  std::string signing_certificate;  // the signingCertificateV2 attribute
  std::string content_type;         // the contentType attribute (id-ct-TSTInfo)
  std::string sha256_alg;           // AlgorithmIdentifier sha256 (parameters absent)
  std::string ecdsa_sha256_alg;     // AlgorithmIdentifier ecdsa-with-SHA256

  mutable std::mutex serial_mu;  // guards the two below
  int64_t next_serial = 0;       // the next serial to give
  int64_t reserved_until = 0;    // serials below this are reserved in the store

  Status Precompute(CertificateAuthority& ca);
  std::variant<Query, Refusal> Check(std::string_view der_query) const;
  Result<int64_t> NextSerial();
  Result<std::string> Token(const Query& query, int64_t serial, UnixMicros now) const;

  // SHA-256 with the prefetched digest; fails only when memory runs out.
  Result<Digest> Hash(std::string_view data) const {
    Digest d{};
    unsigned len = 0;
    if (EVP_Digest(data.data(), data.size(), d.data(), &len, sha256.get(), nullptr) != 1) {
      return Internal("SHA-256: " + OpenSslErrors());
    }
    return d;
  }
};

Status TimestampAuthority::Impl::Precompute(CertificateAuthority& ca) {
  X509* cert = signer.cert.get();
  std::string cert_der = CertificateDer(cert);
  std::string org_der = CertificateDer(ca.org_certificate());
  std::string subject = ToDer(X509_get_subject_name(cert), i2d_X509_NAME);
  std::string issuer = ToDer(X509_get_issuer_name(cert), i2d_X509_NAME);
  std::string serial = ToDer(X509_get0_serialNumber(cert), i2d_ASN1_INTEGER);
  std::string policy_arcs = der::OidArcs(kTsaPolicyOid);
  if (cert_der.empty() || org_der.empty() || subject.empty() || issuer.empty() || serial.empty() ||
      policy_arcs.empty()) {
    return Internal("encoding the TSA certificate: " + OpenSslErrors());
  }
  policy_oid = der::Writer().Oid(policy_arcs).Take();
  accuracy = der::Writer()
                 .Sequence([&](der::Writer& acc) {
                   acc.Element(der::ContextTag(0, false), std::string(1, static_cast<char>(kAccuracyMillis)));
                 })
                 .Take();
  tsa_name = der::Writer()
                 .Context(0, [&](der::Writer& name) { name.Context(4, [&](der::Writer& dn) { dn.Raw(subject); }); })
                 .Take();
  // A SET OF in DER is sorted by the encodings of its elements.
  std::array<std::string, 2> certs = {cert_der, org_der};
  std::sort(certs.begin(), certs.end());
  certificates = der::Writer().Context(0, [&](der::Writer& set) { set.Raw(certs[0]).Raw(certs[1]); }).Take();
  signer_id = der::Writer().Sequence([&](der::Writer& id) { id.Raw(issuer).Raw(serial); }).Take();

  // SigningCertificateV2 { certs { ESSCertIDv2 { certHash, issuerSerial } } }; the hash
  // algorithm is SHA-256, the DEFAULT, so it is left out.
  ASSIGN_OR_RETURN(Digest cert_hash, Hash(cert_der));
  std::string cert_id = der::Writer()
                            .Sequence([&](der::Writer& v2) {
                              v2.Sequence([&](der::Writer& ids) {
                                ids.Sequence([&](der::Writer& id) {
                                  id.OctetString(DigestBytes(cert_hash));
                                  id.Sequence([&](der::Writer& issuer_serial) {
                                    issuer_serial.Sequence([&](der::Writer& names) {
                                      names.Context(4, [&](der::Writer& dn) { dn.Raw(issuer); });
                                    });
                                    issuer_serial.Raw(serial);
                                  });
                                });
                              });
                            })
                            .Take();
  signing_certificate = Attribute(kOidSigningCertV2, cert_id);
  content_type = Attribute(kOidContentType, der::Writer().Oid(kOidTstInfo).Take());
  sha256_alg = AlgorithmId(kOidSha256);
  ecdsa_sha256_alg = AlgorithmId(kOidEcdsaSha256);
  return OkStatus();
}

std::variant<Query, Refusal> TimestampAuthority::Impl::Check(std::string_view der_query) const {
  if (der_query.size() > kMaxTimestampQueryBytes) return Refusal{"the query is too large", kBadDataFormat};
  const auto* p = reinterpret_cast<const unsigned char*>(der_query.data());
  const auto* end = p + der_query.size();
  UniquePtr<TS_REQ> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(der_query.size())));
  if (!req || p != end) {
    ERR_clear_error();
    return Refusal{"the query is not a DER TimeStampReq", kBadDataFormat};
  }
  if (TS_REQ_get_version(req.get()) != 1) return Refusal{"unsupported query version", kBadDataFormat};

  TS_MSG_IMPRINT* imprint = TS_REQ_get_msg_imprint(req.get());
  const ASN1_OBJECT* alg = nullptr;
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(&alg, &param_type, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  int digest_size = 0;
  switch (OBJ_obj2nid(alg)) {
    case NID_sha256:
      digest_size = 32;
      break;
    case NID_sha384:
      digest_size = 48;
      break;
    case NID_sha512:
      digest_size = 64;
      break;
    default:
      return Refusal{"unsupported hash algorithm (SHA-256, SHA-384 or SHA-512)", kBadAlg};
  }
  if (param_type != V_ASN1_UNDEF && param_type != V_ASN1_NULL) {
    return Refusal{"the hash algorithm has parameters", kBadAlg};
  }
  if (ASN1_STRING_length(TS_MSG_IMPRINT_get_msg(imprint)) != digest_size) {
    return Refusal{"the imprint length does not match the hash algorithm", kBadDataFormat};
  }
  const ASN1_OBJECT* requested_policy = TS_REQ_get_policy_id(req.get());
  if (requested_policy && OBJ_cmp(requested_policy, policy.get()) != 0) {
    return Refusal{"the TSA does not support the requested policy", kUnacceptedPolicy};
  }
  if (sk_X509_EXTENSION_num(TS_REQ_get_exts(req.get())) > 0) {
    return Refusal{"query extensions are not supported", kUnacceptedExtension};
  }
  Query q;
  q.imprint = ToDer(imprint, i2d_TS_MSG_IMPRINT);
  if (const ASN1_INTEGER* nonce = TS_REQ_get_nonce(req.get())) q.nonce = ToDer(nonce, i2d_ASN1_INTEGER);
  q.cert_req = TS_REQ_get_cert_req(req.get()) != 0;
  if (q.imprint.empty()) return Refusal{"the query's imprint cannot be encoded", kBadDataFormat};
  return q;
}

Result<int64_t> TimestampAuthority::Impl::NextSerial() {
  std::lock_guard lock(serial_mu);
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

Result<std::string> TimestampAuthority::Impl::Token(const Query& query, int64_t serial, UnixMicros now) const {
  der::Writer tst(256 + query.imprint.size() + query.nonce.size() + tsa_name.size());
  tst.Sequence([&](der::Writer& info) {
    info.Integer(1).Raw(policy_oid).Raw(query.imprint).Integer(serial).GeneralizedTime(now).Raw(accuracy);
    info.Raw(query.nonce).Raw(tsa_name);
  });
  const std::string& tst_info = tst.bytes();

  // Signed attributes, sorted by their encodings (DER SET OF); the signature covers
  // them encoded as a SET (RFC 5652 §5.4).
  der::Writer time;
  if (now < k2050) {
    time.UtcTime(now);
  } else {
    time.GeneralizedTime(now - now % 1000000);
  }
  ASSIGN_OR_RETURN(Digest content_digest, Hash(tst_info));
  std::array<std::string, 4> attrs = {
      content_type, Attribute(kOidSigningTime, time.bytes()),
      Attribute(kOidMessageDigest, der::Writer().OctetString(DigestBytes(content_digest)).Take()), signing_certificate};
  std::sort(attrs.begin(), attrs.end());
  std::string signed_attrs = attrs[0] + attrs[1] + attrs[2] + attrs[3];
  ASSIGN_OR_RETURN(Digest attrs_digest,
                   Hash(der::Writer(signed_attrs.size() + 4).Element(der::kSet, signed_attrs).bytes()));
  ASSIGN_OR_RETURN(std::string signature, signers->Sign(attrs_digest));

  der::Writer out(tst_info.size() + signed_attrs.size() + certificates.size() + 256);
  out.Sequence([&](der::Writer& content_info) {
    content_info.Oid(kOidSignedData);
    content_info.Context(0, [&](der::Writer& explicit_content) {
      explicit_content.Sequence([&](der::Writer& signed_data) {
        signed_data.Integer(3);
        signed_data.Set([&](der::Writer& digest_algs) { digest_algs.Raw(sha256_alg); });
        signed_data.Sequence([&](der::Writer& encap) {
          encap.Oid(kOidTstInfo);
          encap.Context(0, [&](der::Writer& econtent) { econtent.OctetString(tst_info); });
        });
        if (query.cert_req) signed_data.Raw(certificates);
        signed_data.Set([&](der::Writer& signer_infos) {
          signer_infos.Sequence([&](der::Writer& si) {
            si.Integer(1).Raw(signer_id).Raw(sha256_alg);
            si.Element(der::ContextTag(0), signed_attrs);
            si.Raw(ecdsa_sha256_alg).OctetString(signature);
          });
        });
      });
    });
  });
  return out.Take();
}

TimestampAuthority::TimestampAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TimestampAuthority::~TimestampAuthority() = default;

Result<std::unique_ptr<TimestampAuthority>> TimestampAuthority::Create(CertificateAuthority& ca, store::Store& store,
                                                                       Clock clock) {
  RETURN_IF_ERROR(store.EnsureTables(
      {{"tsa_serials", {{"name", store::ColumnType::kText}, {"value", store::ColumnType::kInt}}, {"name"}, {}}}));
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  impl->clock = clock ? std::move(clock) : SystemClock();
  ASSIGN_OR_RETURN(impl->signer, ca.ServiceSigner(Profile::kTimestamping));
  ASSIGN_OR_RETURN(auto row, store.Get("tsa_serials", {{"name", std::string("next")}}));
  if (row) {
    if (auto* v = std::get_if<int64_t>(&(*row)["value"])) impl->next_serial = impl->reserved_until = *v;
  }
  if (impl->next_serial == 0) impl->next_serial = impl->reserved_until = 1;

  EVP_PKEY* key = impl->signer.key.get();
  char group[32] = {};
  if (!EVP_PKEY_is_a(key, "EC") || !EVP_PKEY_get_group_name(key, group, sizeof group, nullptr) ||
      std::string_view(group) != "prime256v1") {
    return FailedPrecondition("the TSA key must be ECDSA P-256");
  }
  impl->sha256.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  impl->policy.reset(OBJ_txt2obj(kTsaPolicyOid, 1));
  if (!impl->sha256 || !impl->policy) return Internal("setting up the TSA: " + OpenSslErrors());
  impl->signers = std::make_unique<TsaSignerPool>(key, impl->sha256.get());
  RETURN_IF_ERROR(impl->Precompute(ca));
  // Sign once now, so that a key the provider cannot use fails here and not per request.
  RETURN_IF_ERROR(impl->signers->Sign(Digest{}).status());
  return std::unique_ptr<TimestampAuthority>(new TimestampAuthority(std::move(impl)));
}

std::string TimestampAuthority::Respond(std::string_view der_query) {
  try {
    auto checked = impl_->Check(der_query);
    if (const auto* refusal = std::get_if<Refusal>(&checked)) return Rejection(*refusal);
    auto serial = impl_->NextSerial();
    if (!serial.ok()) return Rejection({"the TSA cannot record serial numbers now", kAddInfoNotAvailable});
    auto token = impl_->Token(std::get<Query>(checked), *serial, impl_->clock());
    if (!token.ok()) return Rejection({"the TSA could not sign the token", kSystemFailure});
    return Granted(*token);
  } catch (const std::bad_alloc&) {
    return "";  // only on allocation failure: the HTTP layer answers 500
  }
}

std::string TimestampAuthority::Busy() {
  return Rejection({"the TSA is busy: send the query again in a moment", kSystemFailure});
}

Result<std::string> TimestampAuthority::TimestampDigest(std::string_view sha256_digest) {
  if (sha256_digest.size() != kSha256Size) return InvalidArgument("a SHA-256 digest is 32 bytes");
  Query q;
  q.cert_req = true;
  q.imprint = der::Writer()
                  .Sequence([&](der::Writer& imprint) {
                    imprint.Sequence([&](der::Writer& alg) { alg.Oid(kOidSha256).Null(); });
                    imprint.OctetString(sha256_digest);
                  })
                  .Take();
  ASSIGN_OR_RETURN(int64_t serial, impl_->NextSerial());
  return impl_->Token(q, serial, impl_->clock());
}

int64_t TimestampAuthority::next_serial() const {
  std::lock_guard lock(impl_->serial_mu);
  return impl_->next_serial;
}

}  // namespace riik::trust
