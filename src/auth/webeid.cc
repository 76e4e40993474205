// The Web eID authentication token (webeid.h).
#include "auth/webeid.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/json_fields.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace riik::auth {
namespace {

constexpr std::string_view kAppVersion = "https://web-eid.eu/web-eid-app/releases/2.5.0+0 (riik id webeid)";

struct Algorithm {
  const EVP_MD* md;
  bool ecdsa;
  bool pss;
};

Result<Algorithm> ParseAlgorithm(std::string_view name) {
  if (name.size() != 5) return InvalidArgument("unknown Web eID signature algorithm");
  std::string_view bits = name.substr(2);
  const EVP_MD* md = bits == "256"   ? EVP_sha256()
                     : bits == "384" ? EVP_sha384()
                     : bits == "512" ? EVP_sha512()
                                     : nullptr;
  std::string_view family = name.substr(0, 2);
  if (!md || (family != "ES" && family != "RS" && family != "PS")) {
    return InvalidArgument("unknown Web eID signature algorithm \"" + std::string(name) + "\"");
  }
  return Algorithm{md, family == "ES", family == "PS"};
}

Result<bool> VerifyTokenSignature(EVP_PKEY* key, const Algorithm& alg, std::string_view data, std::string_view sig) {
  if (alg.ecdsa != (EVP_PKEY_is_a(key, "EC") != 0)) return false;
  if (!alg.pss) return VerifyWith(key, alg.md, data, sig, SignatureEncoding::kRaw);
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, alg.md, nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
    return Internal("verifying an RSA-PSS signature: " + OpenSslErrors());
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  OpenSslErrors();
  return ok == 1;
}

}  // namespace

Result<WebEidToken> ParseWebEidToken(std::string_view json) {
  if (json.size() > kMaxWebEidTokenBytes) return InvalidArgument("the Web eID token is over 8 KiB");
  ASSIGN_OR_RETURN(Json doc, ParseJson(json, JsonLimits{kMaxWebEidTokenBytes, 4}));
  ASSIGN_OR_RETURN(
      JsonFields f,
      JsonFields::Of(doc, "token", {"unverifiedCertificate", "algorithm", "signature", "format", "appVersion"}));
  WebEidToken t;
  ASSIGN_OR_RETURN(t.certificate_der, f.Base64("unverifiedCertificate", 4096));
  ASSIGN_OR_RETURN(t.algorithm, f.Text("algorithm", 8));
  RETURN_IF_ERROR(ParseAlgorithm(t.algorithm).status().WithContext("token.algorithm"));
  ASSIGN_OR_RETURN(t.signature, f.Base64("signature", 1024));
  ASSIGN_OR_RETURN(t.format, f.Text("format", 32));
  if (t.format != "web-eid:1" && !t.format.starts_with("web-eid:1.")) {
    return InvalidArgument("token.format \"" + t.format + "\" is not web-eid:1.x");
  }
  ASSIGN_OR_RETURN(t.app_version, f.Text("appVersion", 256));
  return t;
}

Result<const EVP_MD*> WebEidDigest(std::string_view algorithm) {
  ASSIGN_OR_RETURN(Algorithm alg, ParseAlgorithm(algorithm));
  return alg.md;
}

Result<std::string> WebEidSignedValue(std::string_view algorithm, std::string_view origin, std::string_view nonce) {
  ASSIGN_OR_RETURN(const EVP_MD* md, WebEidDigest(algorithm));
  unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
  unsigned int na = 0, nb = 0;
  if (EVP_Digest(origin.data(), origin.size(), a, &na, md, nullptr) != 1 ||
      EVP_Digest(nonce.data(), nonce.size(), b, &nb, md, nullptr) != 1) {
    return Internal("hashing: " + OpenSslErrors());
  }
  return std::string(reinterpret_cast<char*>(a), na) + std::string(reinterpret_cast<char*>(b), nb);
}

Checked<Person> VerifyWebEidToken(const WebEidToken& token, std::string_view origin, std::string_view nonce,
                                  const EidTrust& trust) {
  auto cert = trust.ParseCertificate(token.certificate_der);
  if (!cert.ok()) return Refused{Refusal::kMalformedToken, "unverifiedCertificate: " + cert.status().message()};
  Checked<Person> person = CheckEidCertificate(cert->get(), CertPurpose::kAuthentication, trust);
  if (!Passed(person)) return person;
  auto alg = ParseAlgorithm(token.algorithm);
  auto signed_value = WebEidSignedValue(token.algorithm, origin, nonce);
  if (!alg.ok() || !signed_value.ok()) return Refused{Refusal::kMalformedToken, "the token's algorithm"};
  auto good = VerifyTokenSignature(X509_get0_pubkey(cert->get()), *alg, *signed_value, token.signature);
  if (!good.ok()) return Refused{Refusal::kInternal, good.status().message()};
  if (!*good) {
    return Refused{Refusal::kBadSignature, "the signature does not verify over origin " + std::string(origin) +
                                               " and this browser's challenge (another site's token, or forged)"};
  }
  return person;
}

Result<std::string> MakeWebEidToken(EVP_PKEY* auth_key, X509* auth_cert, std::string_view origin,
                                    std::string_view nonce) {
  std::string algorithm;
  if (EVP_PKEY_is_a(auth_key, "EC")) {
    int bits = EVP_PKEY_get_bits(auth_key);
    algorithm = bits > 384 ? "ES512" : bits > 256 ? "ES384" : "ES256";
  } else if (EVP_PKEY_is_a(auth_key, "RSA")) {
    algorithm = "RS256";
  } else {
    return InvalidArgument("the authentication key is neither EC nor RSA");
  }
  ASSIGN_OR_RETURN(std::string value, WebEidSignedValue(algorithm, origin, nonce));
  ASSIGN_OR_RETURN(Algorithm alg, ParseAlgorithm(algorithm));
  ASSIGN_OR_RETURN(std::string signature, SignWith(auth_key, alg.md, value, SignatureEncoding::kRaw));
  Json token = {{"unverifiedCertificate", Base64Encode(CertificateDer(auth_cert))},
                {"algorithm", algorithm},
                {"signature", Base64Encode(signature)},
                {"format", "web-eid:1.0"},
                {"appVersion", kAppVersion}};
  return token.dump();
}

}  // namespace riik::auth
