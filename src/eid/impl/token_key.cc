// OpenSSL's EC_KEY_METHOD is the one hook (in OpenSSL 3.0) through which an EVP_PKEY
// can sign with a key it does not hold; it is deprecated in favour of providers, which
// would be a whole provider for one callback. Only this file uses it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "eid/impl/token_key.h"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>

#include <mutex>

namespace riik::eid {
namespace {

struct Signer {
  std::unique_ptr<Pkcs11Session> session;
  CK_OBJECT_HANDLE key;
  std::mutex mu;  // a session is single-threaded
};

void FreeSigner(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<Signer*>(ptr); }

// A token key cannot be duplicated: the copy would share (and free again) the session.
int RefuseDup(CRYPTO_EX_DATA*, const CRYPTO_EX_DATA*, void**, int, long, void*) { return 0; }

int SignerIndex() {
  static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, RefuseDup, FreeSigner);
  return index;
}

// C_Sign with CKM_ECDSA over the digest gives r||s, each the size of the curve.
ECDSA_SIG* SignOnToken(const unsigned char* digest, int digest_len, const BIGNUM*, const BIGNUM*, EC_KEY* ec) {
  auto* s = static_cast<Signer*>(EC_KEY_get_ex_data(ec, SignerIndex()));
  if (!s) return nullptr;
  std::lock_guard lock(s->mu);
  CK_FUNCTION_LIST* f = s->session->f();
  CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
  unsigned char sig[2 * 66];
  CK_ULONG sig_len = sizeof sig;
  if (f->C_SignInit(s->session->handle(), &mech, s->key) != CKR_OK) return nullptr;
  if (f->C_Sign(s->session->handle(), const_cast<unsigned char*>(digest), static_cast<CK_ULONG>(digest_len), sig,
                &sig_len) != CKR_OK ||
      sig_len % 2 != 0) {
    return nullptr;
  }
  CK_ULONG half = sig_len / 2;
  ECDSA_SIG* out = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(sig, static_cast<int>(half), nullptr);
  BIGNUM* sv = BN_bin2bn(sig + half, static_cast<int>(half), nullptr);
  if (!out || !r || !sv || ECDSA_SIG_set0(out, r, sv) != 1) {
    ECDSA_SIG_free(out);
    BN_free(r);
    BN_free(sv);
    return nullptr;
  }
  return out;
}

// One method for every token key: OpenSSL's own, except that the signature is made
// on the token.
const EC_KEY_METHOD* TokenMethod() {
  static EC_KEY_METHOD* method = [] {
    EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    int (*sign)(int, const unsigned char*, int, unsigned char*, unsigned int*, const BIGNUM*, const BIGNUM*,
                EC_KEY*) = nullptr;
    int (*setup)(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) = nullptr;
    EC_KEY_METHOD_get_sign(m, &sign, &setup, nullptr);
    EC_KEY_METHOD_set_sign(m, sign, setup, SignOnToken);
    return m;
  }();
  return method;
}

}  // namespace

Result<UniquePtr<EVP_PKEY>> TokenKey(EVP_PKEY* public_key, std::unique_ptr<Pkcs11Session> session,
                                     CK_OBJECT_HANDLE private_key) {
  // A fresh EC_KEY with the public point (not OpenSSL's cached legacy copy).
  const EC_KEY* pub = EVP_PKEY_get0_EC_KEY(public_key);
  if (!pub) return InvalidArgument("the token key is not an EC key");
  EC_KEY* ec = EC_KEY_new_by_curve_name(EC_GROUP_get_curve_name(EC_KEY_get0_group(pub)));
  if (!ec || EC_KEY_set_public_key(ec, EC_KEY_get0_public_key(pub)) != 1) {
    EC_KEY_free(ec);
    return Internal("copying the token's public key: " + OpenSslErrors());
  }
  UniquePtr<EVP_PKEY> out(EVP_PKEY_new());
  auto* signer = new Signer{std::move(session), private_key, {}};
  if (!out || EC_KEY_set_method(ec, TokenMethod()) != 1 || EC_KEY_set_ex_data(ec, SignerIndex(), signer) != 1) {
    delete signer;
    EC_KEY_free(ec);
    return Internal("wrapping the token key: " + OpenSslErrors());
  }
  // From here the EC_KEY owns the signer (freed with it through FreeSigner).
  if (EVP_PKEY_assign_EC_KEY(out.get(), ec) != 1) {
    EC_KEY_free(ec);
    return Internal("wrapping the token key: " + OpenSslErrors());
  }
  return out;
}

}  // namespace riik::eid
