// Certificate issuance and PEM encoding.
#include "crypto/x509.h"

#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/sha256.h"

namespace riik {
namespace {

Status AddExtension(X509* cert, X509* issuer, const std::string& name, const std::string& value) {
  // Some extensions (certificatePolicies) insist on a configuration database, even an
  // empty one.
  std::unique_ptr<CONF, decltype(&NCONF_free)> conf(NCONF_new(nullptr), NCONF_free);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);  // clears ctx first
  X509V3_set_nconf(&ctx, conf.get());
  UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf(conf.get(), &ctx, name.c_str(), value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return InvalidArgument("certificate extension " + name + " = '" + value + "': " + OpenSslErrors());
  }
  return OkStatus();
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

const EVP_MD* DigestFor(EVP_PKEY* key) { return EVP_PKEY_get_bits(key) > 256 ? EVP_sha384() : EVP_sha256(); }

Result<std::string> BioString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0) return Internal("reading a memory BIO");
  return std::string(data, static_cast<size_t>(len));
}

Status SetTime(ASN1_TIME* t, UnixMicros when) {
  if (!ASN1_TIME_set(t, static_cast<time_t>(when / 1000000))) return Internal("setting certificate time");
  return OkStatus();
}

}  // namespace

Result<UniquePtr<X509>> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                                         EVP_PKEY* issuer_key) {
  if (spec.subject.empty()) return InvalidArgument("certificate subject is empty");
  if (spec.not_after <= spec.not_before) return InvalidArgument("certificate validity ends before it begins");
  UniquePtr<X509> cert(X509_new());
  if (!cert) return Internal("X509_new: " + OpenSslErrors());
  X509_set_version(cert.get(), X509_VERSION_3);

  Bytes serial;
  if (spec.serial_hex.empty()) {
    serial.resize(16);
    RAND_bytes(reinterpret_cast<unsigned char*>(serial.data()), 16);
    serial[0] = static_cast<char>(serial[0] & 0x7f);
    if (serial[0] == 0) serial[0] = 1;
  } else {
    ASSIGN_OR_RETURN(serial, HexDecode(spec.serial_hex));
  }
  UniquePtr<BIGNUM> bn(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()), static_cast<int>(serial.size()), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return Internal("setting serial");
  RETURN_IF_ERROR(SetTime(X509_getm_notBefore(cert.get()), spec.not_before));
  RETURN_IF_ERROR(SetTime(X509_getm_notAfter(cert.get()), spec.not_after));
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return Internal("setting public key: " + OpenSslErrors());

  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : spec.subject) {
    if (!X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0)) {
      return InvalidArgument("subject field " + field + ": " + OpenSslErrors());
    }
  }
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);

  X509* ext_issuer = issuer ? issuer : cert.get();
  if (!spec.basic_constraints.empty())
    RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "basicConstraints", spec.basic_constraints));
  if (!spec.key_usage.empty()) RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "keyUsage", spec.key_usage));
  if (!spec.extended_key_usage.empty()) {
    RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "extendedKeyUsage", spec.extended_key_usage));
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "subjectKeyIdentifier", "hash"));
  if (issuer) RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "authorityKeyIdentifier", "keyid:always"));
  if (!spec.subject_alt_names.empty()) {
    RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "subjectAltName", Join(spec.subject_alt_names, ",")));
  }
  std::vector<std::string> aia;
  if (!spec.ocsp_url.empty()) aia.push_back("OCSP;URI:" + spec.ocsp_url);
  if (!spec.ca_issuers_url.empty()) aia.push_back("caIssuers;URI:" + spec.ca_issuers_url);
  if (!aia.empty()) RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "authorityInfoAccess", Join(aia, ",")));
  if (!spec.policy_oids.empty()) {
    RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, "certificatePolicies", Join(spec.policy_oids, ",")));
  }
  for (const auto& [ext, value] : spec.extra_extensions)
    RETURN_IF_ERROR(AddExtension(cert.get(), ext_issuer, ext, value));

  EVP_PKEY* signer = issuer_key ? issuer_key : subject_key;
  if (X509_sign(cert.get(), signer, DigestFor(signer)) == 0) return Internal("signing certificate: " + OpenSslErrors());
  return cert;
}

Result<UniquePtr<EVP_PKEY>> GenerateEcKey(const std::string& curve) {
  if (curve != "P-256" && curve != "P-384") return InvalidArgument("unsupported curve " + curve + " (P-256 or P-384)");
  UniquePtr<EVP_PKEY> key(EVP_EC_gen(curve.c_str()));
  if (!key) return Internal("generating " + curve + " key: " + OpenSslErrors());
  return key;
}

std::string CertificatePem(X509* cert) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  auto s = BioString(bio.get());
  return s.ok() ? *s : "";
}

std::string CertificateDer(X509* cert) { return ToDer(cert, i2d_X509); }

std::string CertificateSha256Hex(X509* cert) { return DigestHex(Sha256(CertificateDer(cert))); }

Result<std::string> PrivateKeyPem(EVP_PKEY* key) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Internal("writing private key: " + OpenSslErrors());
  }
  return BioString(bio.get());
}

Result<std::string> PublicKeyPem(EVP_PKEY* key) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) return Internal("writing public key: " + OpenSslErrors());
  return BioString(bio.get());
}

Result<std::string> EncryptedPrivateKeyPem(EVP_PKEY* key, const std::string& passphrase) {
  if (passphrase.size() < 8) return InvalidArgument("key passphrase must be at least 8 characters");
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return Internal("encrypting private key: " + OpenSslErrors());
  }
  return BioString(bio.get());
}

Result<UniquePtr<X509>> ParseCertificatePem(const std::string& pem) {
  UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return InvalidArgument("not a PEM certificate: " + OpenSslErrors());
  return cert;
}

Result<UniquePtr<X509>> ReadCertificatePemFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  auto cert = ParseCertificatePem(pem);
  if (!cert.ok()) return cert.status().WithContext(path);
  return cert;
}

Result<UniquePtr<X509>> ParseCertificateDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
    ERR_clear_error();
    return InvalidArgument("not a DER certificate");
  }
  return cert;
}

Result<std::vector<UniquePtr<X509>>> ParseCertificatesPem(const std::string& pem) {
  UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<UniquePtr<X509>> chain;
  while (UniquePtr<X509> cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)})
    chain.push_back(std::move(cert));
  ERR_clear_error();  // the end of the text reads as an error
  if (chain.empty()) return InvalidArgument("no PEM certificate in the text");
  return chain;
}

Result<UniquePtr<EVP_PKEY>> ParsePrivateKeyPem(const std::string& pem, const std::string& passphrase) {
  UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(passphrase.c_str())));
  if (!key) return InvalidArgument("cannot read the private key (wrong passphrase?): " + OpenSslErrors());
  return key;
}

std::string SerialHex(X509* cert) {
  UniquePtr<BIGNUM> bn(ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr));
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  return out;
}

std::string SubjectString(X509* cert) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  auto s = BioString(bio.get());
  return s.ok() ? *s : "";
}

std::string PublicKeyDer(EVP_PKEY* key) { return ToDer(key, i2d_PUBKEY); }

Result<UniquePtr<EVP_PKEY>> PublicKeyOf(EVP_PKEY* key) {
  std::string der = ToDer(key, i2d_PUBKEY);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  UniquePtr<EVP_PKEY> out(der.empty() ? nullptr : d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!out) return Internal("extracting a public key: " + OpenSslErrors());
  return out;
}

Result<UniquePtr<EVP_PKEY>> EcPublicKey(const std::string& curve, std::string_view point) {
  const char* group = curve == "P-256" ? "prime256v1" : curve == "P-384" ? "secp384r1" : nullptr;
  if (!group) return InvalidArgument("unsupported curve " + curve);
  std::string pub(point);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
                         OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()),
                         OSSL_PARAM_construct_end()};
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return InvalidArgument("not a " + curve + " public key: " + OpenSslErrors());
  }
  return UniquePtr<EVP_PKEY>(key);
}

}  // namespace riik
