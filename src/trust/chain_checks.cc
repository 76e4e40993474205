// Certificate chains and RFC 3161 tokens checked against the state's root certificate.
#include "trust/chain_checks.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "crypto/x509.h"

namespace riik::trust {
namespace {

// Owners for the OpenSSL types only this file uses.
struct TstInfoFree {
  void operator()(TS_TST_INFO* p) const { TS_TST_INFO_free(p); }
};
struct TsVerifyCtxFree {
  void operator()(TS_VERIFY_CTX* p) const { TS_VERIFY_CTX_free(p); }
};
using Pkcs7Ptr = UniquePtr<PKCS7>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, TstInfoFree>;
using X509StorePtr = UniquePtr<X509_STORE>;

// A stack holding new references to the certificates; the caller owns it (and frees it
// with sk_X509_pop_free) or hands it to an OpenSSL object that does.
STACK_OF(X509) * NewCertificateStack(std::span<const UniquePtr<X509>> certs) {
  STACK_OF(X509)* stack = sk_X509_new_null();
  if (stack == nullptr) return nullptr;
  for (const auto& cert : certs) {
    if (!X509_up_ref(cert.get()) || !sk_X509_push(stack, cert.get())) {
      sk_X509_pop_free(stack, X509_free);
      return nullptr;
    }
  }
  return stack;
}

struct OwnedCertificateStack {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};

Result<Pkcs7Ptr> ParseToken(std::string_view der) {
  if (der.empty() || der.size() > kMaxTimestampTokenBytes) {
    return DataLoss("the timestamp token is empty or larger than " + std::to_string(kMaxTimestampTokenBytes) +
                    " bytes");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  OpenSslErrors();
  if (!token || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return DataLoss("the timestamp token is not a DER CMS ContentInfo");
  }
  // One encoding only: re-encoding must give back the same bytes.
  if (ToDer(token.get(), i2d_PKCS7) != der) return DataLoss("the timestamp token is not in DER");
  return token;
}

Result<TstInfoPtr> TokenInfo(PKCS7* token) {
  TstInfoPtr info(PKCS7_to_TS_TST_INFO(token));
  OpenSslErrors();
  if (!info) return DataLoss("the timestamp token holds no TSTInfo");
  return info;
}

// The imprint in whichever of SHA-256/384/512 the token's requester chose.
Result<MessageImprint> AnyImprintOf(TS_TST_INFO* info) {
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info);
  const X509_ALGOR* algo = TS_MSG_IMPRINT_get_algo(imprint);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algo);
  ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
  int nid = OBJ_obj2nid(oid);
  const EVP_MD* md = nid == NID_sha256   ? EVP_sha256()
                     : nid == NID_sha384 ? EVP_sha384()
                     : nid == NID_sha512 ? EVP_sha512()
                                         : nullptr;
  if (!md || ASN1_STRING_length(msg) != EVP_MD_get_size(md))
    return DataLoss("the timestamp token's message imprint is not a SHA-256, SHA-384 or SHA-512 digest");
  return MessageImprint{md, std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(msg)),
                                        static_cast<size_t>(ASN1_STRING_length(msg)))};
}

Result<Digest> ImprintOf(TS_TST_INFO* info) {
  Result<MessageImprint> any = AnyImprintOf(info);
  if (!any.ok() || any->md != EVP_sha256())
    return DataLoss("the timestamp token's message imprint is not a SHA-256 digest");
  Digest d{};
  std::copy(any->digest.begin(), any->digest.end(), d.begin());
  return d;
}

Result<UnixMicros> GenTimeOf(TS_TST_INFO* info) {
  const ASN1_GENERALIZEDTIME* t = TS_TST_INFO_get_time(info);
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return DataLoss("the timestamp token's genTime is unreadable");
  return static_cast<UnixMicros>(timegm(&tm)) * 1'000'000;
}

std::string VerifyError(X509_STORE_CTX* ctx) { return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)); }

// The parts of a token its signature does not cover, held to what a TSA writes, so that
// no changed byte goes unnoticed: SignedData version 3, one SignerInfo of version 1 whose
// issuer is spelled exactly as in the signer's certificate, a signature algorithm that
// names the signer's key type and digest, and every certificate carried valid under the
// trust root.
Status CheckUnsignedParts(PKCS7* token, X509* trust_root, UnixMicros at, std::span<const UniquePtr<X509>> pool) {
  PKCS7_SIGNED* signed_data = token->d.sign;
  if (ASN1_INTEGER_get(signed_data->version) != 3) return DataLoss("the timestamp token's SignedData version is not 3");
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(token);
  if (sk_PKCS7_SIGNER_INFO_num(infos) != 1) return DataLoss("the timestamp token does not have exactly one signer");
  PKCS7_SIGNER_INFO* info = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  if (ASN1_INTEGER_get(info->version) != 1) return DataLoss("the timestamp token's SignerInfo version is not 1");
  X509* signer = PKCS7_cert_from_signer_info(token, info);
  if (signer == nullptr) return DataLoss("the timestamp token does not carry its signer's certificate");
  if (ToDer(info->issuer_and_serial->issuer, i2d_X509_NAME) != ToDer(X509_get_issuer_name(signer), i2d_X509_NAME)) {
    return DataLoss("the timestamp token names its signer's issuer differently from the certificate");
  }
  // OpenSSL verifies with the key's own algorithm; the OID written must still be that one.
  X509_ALGOR* digest_alg = nullptr;
  X509_ALGOR* signature_alg = nullptr;
  PKCS7_SIGNER_INFO_get0_algs(info, nullptr, &digest_alg, &signature_alg);
  int expected = NID_undef;
  if (!OBJ_find_sigid_by_algs(&expected, OBJ_obj2nid(digest_alg->algorithm),
                              EVP_PKEY_get_base_id(X509_get0_pubkey(signer))) ||
      OBJ_obj2nid(signature_alg->algorithm) != expected) {
    return DataLoss("the timestamp token's signature algorithm does not match its key and digest");
  }
  // Under an anchor a trusted list names (not self-issued) the chain may end at the TSA's
  // own certificate: only it is then judged, the others carried being unused for trust.
  bool listed_anchor = IsListedAnchor(trust_root);
  for (int i = 0; i < sk_X509_num(signed_data->cert); ++i) {
    if (listed_anchor && sk_X509_value(signed_data->cert, i) != signer) continue;
    Status chained = VerifyChain(sk_X509_value(signed_data->cert, i), pool, trust_root, at);
    if (!chained.ok()) return DataLoss("a certificate in the timestamp token " + chained.message());
  }
  return OkStatus();
}

}  // namespace

bool SignedBy(X509* issuer, X509* cert) {
  // Remembered links, found by the certificates' SHA-1 fingerprints (which OpenSSL keeps
  // with each parsed certificate) and confirmed with X509_cmp, which compares the
  // encodings themselves: a colliding fingerprint finds nothing it should not.
  struct Link {
    UniquePtr<X509> issuer, cert;
  };
  static std::mutex mu;
  static auto* verified = new std::map<std::string, Link>();
  if (X509_cmp(issuer, cert) == 0 || X509_check_ca(issuer) != 1 || X509_check_issued(issuer, cert) != X509_V_OK)
    return false;
  auto fingerprint = [](X509* c) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(c, EVP_sha1(), md, &n);
    return std::string(reinterpret_cast<char*>(md), n);
  };
  std::string key = fingerprint(issuer) + fingerprint(cert);
  {
    std::lock_guard lock(mu);
    auto it = verified->find(key);
    if (it != verified->end() && X509_cmp(it->second.issuer.get(), issuer) == 0 &&
        X509_cmp(it->second.cert.get(), cert) == 0)
      return true;
  }
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
  bool ok = issuer_key && X509_verify(cert, issuer_key) == 1;
  ERR_clear_error();
  if (ok) {
    std::lock_guard lock(mu);
    if (verified->size() < 4096 && X509_up_ref(issuer) && X509_up_ref(cert))
      verified->insert_or_assign(key, Link{UniquePtr<X509>(issuer), UniquePtr<X509>(cert)});
  }
  return ok;
}

namespace {

// Certificates that may end a chain in their issuer's place once their link is verified:
// the infrastructure every signature repeats — CAs (basicConstraints CA:TRUE) and TSAs
// (extended key usage timeStamping). A citizen's certificate is checked in full each time.
bool Recurring(X509* cert) {
  if (X509_check_ca(cert) == 1) return true;
  return (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) && (X509_get_extended_key_usage(cert) & XKU_TIMESTAMP);
}

// X509_cmp_time gives -1 (not after `when`), 1 (after) or 0 for an unreadable time,
// which counts as invalid.
bool ValidAtTime(X509* cert, time_t when) {
  return X509_cmp_time(X509_get0_notBefore(cert), &when) == -1 && X509_cmp_time(X509_get0_notAfter(cert), &when) == 1;
}

// A certificate linked down from the trust root, with how many more CA certificates
// (not self-issued) may stand between it and an end entity: the tightest of the
// pathLenConstraints above it and its own (RFC 5280 §4.2.1.9). OpenSSL checks the
// constraints of the chain it builds, which stops at the first trusted certificate, so
// those above a linked one are checked here. kNoLimit: none applies.
constexpr long kNoLimit = LONG_MAX;
struct Linked {
  X509* cert;
  long below;
};

long OwnPathLen(X509* cert) {
  const long own = X509_get_pathlen(cert);
  return own < 0 ? kNoLimit : own;
}

// The trust root, and the candidates linked down from it by signatures SignedBy has
// verified, each issuer valid at `when` (OpenSSL checks the validity of the certificate
// a chain ends at, not above it), and each CA only where the path lengths above it
// allow one more.
std::vector<Linked> LinkedFromRoot(X509* trust_root, time_t when, std::span<X509* const> candidates) {
  std::vector<Linked> trusted{{trust_root, OwnPathLen(trust_root)}};
  // Until nothing changes: a certificate joins through any issuer that allows it, and keeps
  // the largest budget any of them gives (a cross-certified CA may be reached twice).
  for (bool grew = true; grew;) {
    grew = false;
    for (X509* c : candidates) {
      if (!c || c == trust_root || !Recurring(c) || (X509_get_extension_flags(c) & EXFLAG_CRITICAL)) continue;
      auto self = std::find_if(trusted.begin(), trusted.end(), [c](const Linked& l) { return l.cert == c; });
      std::optional<long> best;
      for (const Linked& issuer : trusted) {
        if (issuer.cert == c || !ValidAtTime(issuer.cert, when) || !SignedBy(issuer.cert, c)) continue;
        long below = -1;  // a TSA issues nothing
        if (X509_check_ca(c) == 1) {
          const bool counts = !(X509_get_extension_flags(c) & EXFLAG_SI);
          const long left = issuer.below == kNoLimit ? kNoLimit : issuer.below - (counts ? 1 : 0);
          if (left < 0) continue;  // this issuer may not have a CA below it
          below = std::min(left, OwnPathLen(c));
        }
        best = std::max(best.value_or(below), below);
      }
      if (!best) continue;
      if (self == trusted.end()) {
        trusted.push_back({c, *best});
        grew = true;
      } else if (*best > self->below) {
        self->below = *best;
        grew = true;
      }
    }
  }
  ERR_clear_error();
  return trusted;
}

bool IsLinked(const std::vector<Linked>& linked, X509* cert) {
  return std::any_of(linked.begin(), linked.end(), [cert](const Linked& l) { return l.cert == cert; });
}

// The path-length budgets of a store's linked certificates (those with a limit), kept
// with the store: OpenSSL's chains stop at them, so the verify callback below checks
// what lies under them against the constraints above (for every check through the
// store: chains, OCSP responders, TSAs).
using Budgets = std::vector<std::pair<X509*, long>>;  // the store holds the certificates

int BudgetsIndex() {
  static const int index = X509_STORE_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* budgets, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<Budgets*>(budgets); });
  return index;
}

// Called by OpenSSL for each certificate of a verified chain, the end entity (depth 0)
// last: there the whole chain is known.
int CheckBudgets(int ok, X509_STORE_CTX* ctx) {
  if (ok != 1 || X509_STORE_CTX_get_error_depth(ctx) != 0) return ok;
  const auto* budgets =
      static_cast<const Budgets*>(X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(ctx), BudgetsIndex()));
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  const int n = sk_X509_num(chain);
  if (!budgets || n < 3) return ok;  // no CA between the end entity and where the chain stops
  X509* anchor = sk_X509_value(chain, n - 1);
  long intermediates = 0;
  for (int i = 1; i + 1 < n; ++i) {
    if (!(X509_get_extension_flags(sk_X509_value(chain, i)) & EXFLAG_SI)) ++intermediates;
  }
  for (const auto& [cert, below] : *budgets) {
    if (cert == anchor && intermediates > below) {
      X509_STORE_CTX_set_error(ctx, X509_V_ERR_PATH_LENGTH_EXCEEDED);
      return 0;
    }
  }
  return ok;
}

}  // namespace

namespace {
constexpr const char* kListedAnchorAlias = "riik: a trusted list's service";
}  // namespace

void MarkListedAnchor(X509* cert) {
  X509_alias_set1(cert, reinterpret_cast<const unsigned char*>(kListedAnchorAlias),
                  static_cast<int>(std::strlen(kListedAnchorAlias)));
}

bool IsListedAnchor(X509* cert) {
  int n = 0;
  const unsigned char* alias = X509_alias_get0(cert, &n);
  return alias &&
         std::string_view(reinterpret_cast<const char*>(alias), static_cast<size_t>(n)) == kListedAnchorAlias &&
         X509_check_issued(cert, cert) != X509_V_OK;
}

bool CertificateValidAt(X509* cert, UnixMicros at) { return ValidAtTime(cert, static_cast<time_t>(at / 1'000'000)); }

Result<UniquePtr<X509_STORE>> TrustStoreAt(X509* trust_root, UnixMicros at, std::span<X509* const> candidates) {
  X509StorePtr store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), trust_root) != 1) return Internal("setting up the trust root failed");
  time_t when = static_cast<time_t>(at / 1'000'000);
  // A chain that ends at a verified intermediate stops there; the root's own validity at
  // `at` is checked here, since OpenSSL no longer reaches it then. An anchor that is not
  // self-issued (a CA or a service a trusted list names) ends chains the same way.
  bool partial = IsListedAnchor(trust_root);
  auto budgets = std::make_unique<Budgets>();
  for (const Linked& l : LinkedFromRoot(trust_root, when, candidates)) {
    if (l.cert == trust_root) continue;
    X509_STORE_add_cert(store.get(), l.cert);
    if (l.below != kNoLimit) budgets->emplace_back(l.cert, l.below);
    partial = true;
  }
  if (!budgets->empty()) {
    if (X509_STORE_set_ex_data(store.get(), BudgetsIndex(), budgets.get()) != 1) {
      return Internal("setting up the trust root failed");
    }
    budgets.release();
    X509_STORE_set_verify_cb(store.get(), CheckBudgets);
  }
  ERR_clear_error();
  if (!ValidAtTime(trust_root, when)) return DataLoss("the trust root is not valid at " + FormatRfc3339(at));
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
  X509_VERIFY_PARAM_set_time(param, when);
  if (partial) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

Status VerifyChain(X509* cert, std::span<const UniquePtr<X509>> untrusted, X509* trust_root, UnixMicros at,
                   std::vector<UniquePtr<X509>>* chain) {
  std::vector<X509*> candidates;
  for (const auto& c : untrusted) candidates.push_back(c.get());
  // A CA or TSA certificate whose links down from the root are all verified already holds
  // when it, its issuers and the root are valid at `at`: OpenSSL, given its issuer as
  // trusted, would verify the same link again.
  time_t when = static_cast<time_t>(at / 1'000'000);
  if (!chain && cert != trust_root && Recurring(cert) && ValidAtTime(cert, when) && ValidAtTime(trust_root, when)) {
    candidates.push_back(cert);
    if (IsLinked(LinkedFromRoot(trust_root, when, candidates), cert)) return OkStatus();
    candidates.pop_back();
  }
  ASSIGN_OR_RETURN(X509StorePtr store, TrustStoreAt(trust_root, at, candidates));
  std::unique_ptr<STACK_OF(X509), OwnedCertificateStack> pool(NewCertificateStack(untrusted));
  UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!pool || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert, pool.get()) != 1) {
    return Internal("setting up certificate verification: " + OpenSslErrors());
  }
  int ok = X509_verify_cert(ctx.get());
  OpenSslErrors();
  if (ok != 1)
    return DataLoss("does not chain to the trust root at " + FormatRfc3339(at) + ": " + VerifyError(ctx.get()));
  if (chain) {
    chain->clear();
    STACK_OF(X509)* verified = X509_STORE_CTX_get0_chain(ctx.get());
    for (int i = 0; i < sk_X509_num(verified); ++i) {
      X509* c = sk_X509_value(verified, i);
      X509_up_ref(c);
      chain->emplace_back(c);
    }
  }
  return OkStatus();
}

Result<std::vector<UniquePtr<X509>>> ParseCertificateChain(std::span<const std::string> pems) {
  if (pems.empty()) return InvalidArgument("a certificate chain needs at least the signer's certificate");
  if (pems.size() > kMaxChainCertificates) {
    return InvalidArgument("a certificate chain of more than " + std::to_string(kMaxChainCertificates) +
                           " certificates");
  }
  std::vector<UniquePtr<X509>> chain;
  for (size_t i = 0; i < pems.size(); ++i) {
    std::string where = "certificate " + std::to_string(i);
    if (pems[i].size() > kMaxCertificatePemBytes) return InvalidArgument(where + " is too large");
    Result<UniquePtr<X509>> cert = ParseCertificatePem(pems[i]);
    if (!cert.ok()) return cert.status().WithContext(where);
    if (CertificatePem(cert->get()) != pems[i]) return InvalidArgument(where + " is not in canonical PEM form");
    chain.push_back(std::move(*cert));
  }
  return chain;
}

std::vector<std::string> CertificateChainPem(std::span<const UniquePtr<X509>> chain) {
  std::vector<std::string> out;
  for (const auto& cert : chain) out.push_back(CertificatePem(cert.get()));
  return out;
}

Status VerifySignerChain(std::span<const UniquePtr<X509>> chain, X509* trust_root, UnixMicros at,
                         std::string_view what) {
  std::string prefix(what);
  if (chain.empty()) return DataLoss(prefix + ": no certificate");
  Status chained = VerifyChain(chain[0].get(), chain.subspan(1), trust_root, at);
  if (!chained.ok()) return DataLoss(prefix + ": the signer's certificate " + chained.message());
  uint32_t usage = X509_get_key_usage(chain[0].get());
  if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return DataLoss(prefix + ": the signer's certificate is not allowed to sign (key usage)");
  }
  return OkStatus();
}

Result<Digest> TimestampTokenImprint(std::string_view token_der) {
  Result<Pkcs7Ptr> token = ParseToken(token_der);
  if (!token.ok()) return InvalidArgument(token.status().message());
  Result<TstInfoPtr> info = TokenInfo(token->get());
  if (!info.ok()) return InvalidArgument(info.status().message());
  Result<Digest> imprint = ImprintOf(info->get());
  if (!imprint.ok()) return InvalidArgument(imprint.status().message());
  return imprint;
}

Result<TimestampToken> TimestampToken::Parse(std::string_view der) {
  TimestampToken t;
  Result<Pkcs7Ptr> token = ParseToken(der);
  if (!token.ok()) return InvalidArgument(token.status().message());
  Result<TstInfoPtr> info = TokenInfo(token->get());
  if (!info.ok()) return InvalidArgument(info.status().message());
  Result<MessageImprint> imprint = AnyImprintOf(info->get());
  if (!imprint.ok()) return InvalidArgument(imprint.status().message());
  Result<UnixMicros> gen_time = GenTimeOf(info->get());
  if (!gen_time.ok()) return InvalidArgument(gen_time.status().message());
  t.imprint_ = std::move(*imprint);
  t.info_.gen_time = *gen_time;
  UniquePtr<BIGNUM> serial(ASN1_INTEGER_to_BN(TS_TST_INFO_get_serial(info->get()), nullptr));
  if (serial) {
    char* hex = BN_bn2hex(serial.get());
    if (hex != nullptr) t.info_.serial_hex = hex;
    OPENSSL_free(hex);
  }
  t.token_ = std::move(*token);
  return t;
}

Result<TimestampInfo> VerifyTimestampToken(std::string_view token_der, const Digest& imprint, X509* trust_root,
                                           std::span<const UniquePtr<X509>> intermediates) {
  return VerifyTimestampToken(token_der, MessageImprint{EVP_sha256(), DigestBytes(imprint)}, trust_root, intermediates);
}

Result<TimestampInfo> VerifyTimestampToken(std::string_view token_der, const MessageImprint& imprint, X509* trust_root,
                                           std::span<const UniquePtr<X509>> intermediates) {
  Result<TimestampToken> token = TimestampToken::Parse(token_der);
  if (!token.ok()) return DataLoss(token.status().message());
  if (token->imprint().md != imprint.md || token->imprint().digest != imprint.digest)
    return DataLoss("the timestamp token is for another tree head (message imprint differs)");
  return token->Verify(trust_root, intermediates);
}

Result<TimestampInfo> TimestampToken::Verify(X509* trust_root, std::span<const UniquePtr<X509>> intermediates) const {
  PKCS7* token = token_.get();
  TimestampInfo out = info_;
  // The verify context owns the store and the certificate stack handed to it.
  std::unique_ptr<TS_VERIFY_CTX, TsVerifyCtxFree> ctx(TS_VERIFY_CTX_new());
  std::vector<X509*> candidates;
  for (int i = 0; i < sk_X509_num(token->d.sign->cert); ++i)
    candidates.push_back(sk_X509_value(token->d.sign->cert, i));
  for (const auto& cert : intermediates) candidates.push_back(cert.get());
  ASSIGN_OR_RETURN(X509StorePtr store, TrustStoreAt(trust_root, out.gen_time, candidates));
  STACK_OF(X509)* untrusted = NewCertificateStack(intermediates);
  if (!ctx || !untrusted) {
    if (untrusted) sk_X509_pop_free(untrusted, X509_free);
    return Internal("setting up timestamp verification failed");
  }
  TS_VERIFY_CTX_set_store(ctx.get(), store.release());
  TS_VERIFY_CTX_set_certs(ctx.get(), untrusted);
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE | TS_VFY_VERSION);
  if (TS_RESP_verify_token(ctx.get(), token) != 1) {
    return DataLoss("the timestamp token does not verify: " + OpenSslErrors());
  }
  std::vector<UniquePtr<X509>> pool;
  for (int i = 0; i < sk_X509_num(token->d.sign->cert); ++i) {
    X509* cert = sk_X509_value(token->d.sign->cert, i);
    X509_up_ref(cert);
    pool.emplace_back(cert);
  }
  for (const auto& cert : intermediates) {
    X509_up_ref(cert.get());
    pool.emplace_back(cert.get());
  }
  RETURN_IF_ERROR(CheckUnsignedParts(token, trust_root, out.gen_time, pool));
  return out;
}

}  // namespace riik::trust
