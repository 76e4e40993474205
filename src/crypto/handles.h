// RAII owners for OpenSSL objects: UniquePtr<X509>, UniquePtr<EVP_PKEY>, … Each type
// gets its OpenSSL free function as deleter, so no handle is ever freed by hand.
#pragma once

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace riik {

template <typename T>
struct OpenSslDeleter;

#define RIIK_OPENSSL_DELETER(type, fn)        \
  template <>                                 \
  struct OpenSslDeleter<type> {               \
    void operator()(type* p) const { fn(p); } \
  };

RIIK_OPENSSL_DELETER(BIO, BIO_free_all)
RIIK_OPENSSL_DELETER(EVP_PKEY, EVP_PKEY_free)
RIIK_OPENSSL_DELETER(EVP_PKEY_CTX, EVP_PKEY_CTX_free)
RIIK_OPENSSL_DELETER(EVP_MD_CTX, EVP_MD_CTX_free)
RIIK_OPENSSL_DELETER(X509, X509_free)
RIIK_OPENSSL_DELETER(X509_NAME, X509_NAME_free)
RIIK_OPENSSL_DELETER(X509_EXTENSION, X509_EXTENSION_free)
// ASN1_INTEGER and ASN1_TIME are both ASN1_STRING: one deleter serves both.
RIIK_OPENSSL_DELETER(ASN1_STRING, ASN1_STRING_free)
RIIK_OPENSSL_DELETER(BIGNUM, BN_free)
RIIK_OPENSSL_DELETER(ECDSA_SIG, ECDSA_SIG_free)
RIIK_OPENSSL_DELETER(OCSP_REQUEST, OCSP_REQUEST_free)
RIIK_OPENSSL_DELETER(OCSP_RESPONSE, OCSP_RESPONSE_free)
RIIK_OPENSSL_DELETER(OCSP_BASICRESP, OCSP_BASICRESP_free)
RIIK_OPENSSL_DELETER(OCSP_CERTID, OCSP_CERTID_free)
RIIK_OPENSSL_DELETER(ASN1_OBJECT, ASN1_OBJECT_free)
RIIK_OPENSSL_DELETER(X509_STORE, X509_STORE_free)
RIIK_OPENSSL_DELETER(X509_STORE_CTX, X509_STORE_CTX_free)
RIIK_OPENSSL_DELETER(PKCS7, PKCS7_free)
RIIK_OPENSSL_DELETER(EVP_MD, EVP_MD_free)
RIIK_OPENSSL_DELETER(X509_ALGOR, X509_ALGOR_free)
RIIK_OPENSSL_DELETER(TS_REQ, TS_REQ_free)
RIIK_OPENSSL_DELETER(TS_RESP, TS_RESP_free)
RIIK_OPENSSL_DELETER(TS_MSG_IMPRINT, TS_MSG_IMPRINT_free)

#undef RIIK_OPENSSL_DELETER

// A stack of certificates that does not own them (sk_X509_free, not pop_free).
template <>
struct OpenSslDeleter<STACK_OF(X509)> {
  void operator()(STACK_OF(X509) * p) const { sk_X509_free(p); }
};

template <typename T>
using UniquePtr = std::unique_ptr<T, OpenSslDeleter<T>>;

// DER encoding of any OpenSSL object through its i2d function, e.g.
// ToDer(cert, i2d_X509). Empty if the object cannot be encoded.
template <typename T, typename I2d>
std::string ToDer(T* object, I2d i2d) {
  int len = i2d(object, nullptr);
  if (len <= 0) return "";
  std::string out(static_cast<size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  i2d(object, &p);
  return out;
}

// The queued OpenSSL error messages joined by "; " (and the queue cleared), or
// `fallback` if the queue is empty.
std::string OpenSslErrors(const char* fallback = "unknown OpenSSL error");

}  // namespace riik
