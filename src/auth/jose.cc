// Compact JWS and JWK (jose.h).
#include "auth/jose.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace riik::auth {
namespace {

struct ParamBuildDeleter {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamsDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

std::string EcCurve(EVP_PKEY* key) {
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return "";
  std::string_view g(group, len);
  if (g == "prime256v1" || g == "P-256") return "P-256";
  if (g == "secp384r1" || g == "P-384") return "P-384";
  return std::string(g);
}

// A big-endian unsigned integer parameter of `key`, padded to `width` bytes (0: minimal).
Result<std::string> BigParam(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
    return Internal(std::string("reading ") + name + ": " + OpenSslErrors());
  UniquePtr<BIGNUM> bn(raw);
  int n = width > 0 ? width : BN_num_bytes(bn.get());
  std::string out(static_cast<size_t>(n), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), n) != n) {
    return Internal(std::string(name) + " does not fit");
  }
  return out;
}

Result<std::string> JwkMember(const Json& jwk, const char* name, size_t max_bytes) {
  std::string text = StringOr(jwk, name);
  if (text.empty()) return InvalidArgument(std::string("the JWK has no \"") + name + "\"");
  auto bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return bytes.status().WithContext(std::string("the JWK's \"") + name + "\"");
  if (bytes->empty() || bytes->size() > max_bytes) {
    return InvalidArgument(std::string("the JWK's \"") + name + "\" is " + std::to_string(bytes->size()) + " bytes");
  }
  return *bytes;
}

Result<UniquePtr<EVP_PKEY>> RsaKey(const Json& jwk) {
  ASSIGN_OR_RETURN(std::string n, JwkMember(jwk, "n", 1024));
  ASSIGN_OR_RETURN(std::string e, JwkMember(jwk, "e", 8));
  auto bn = [](const std::string& s) {
    return UniquePtr<BIGNUM>(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()), nullptr));
  };
  UniquePtr<BIGNUM> bn_n = bn(n), bn_e = bn(e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> build(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return Internal("building an RSA key: " + OpenSslErrors());
  }
  std::unique_ptr<OSSL_PARAM, ParamsDeleter> params(OSSL_PARAM_BLD_to_param(build.get()));
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return InvalidArgument("not an RSA public key: " + OpenSslErrors());
  }
  return UniquePtr<EVP_PKEY>(key);
}

Result<Json> DecodeJsonPart(std::string_view part, const char* what) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes.ok()) return bytes.status().WithContext(std::string("the JWS ") + what);
  auto json = ParseJson(*bytes, JsonLimits{kMaxJwsBytes, 8});
  if (!json.ok()) return json.status().WithContext(std::string("the JWS ") + what);
  if (!json->is_object()) return InvalidArgument(std::string("the JWS ") + what + " is not a JSON object");
  return std::move(*json);
}

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kES256:
      return "ES256";
    case JwsAlg::kES384:
      return "ES384";
    case JwsAlg::kRS256:
      return "RS256";
  }
  return "?";
}

Result<JwsAlg> ParseJwsAlg(std::string_view name) {
  if (name == "ES256") return JwsAlg::kES256;
  if (name == "ES384") return JwsAlg::kES384;
  if (name == "RS256") return JwsAlg::kRS256;
  if (name == "none") return InvalidArgument("unsigned tokens (alg \"none\") are refused");
  if (name.starts_with("HS"))
    return InvalidArgument("shared-secret signatures (" + std::string(name) + ") are refused");
  return InvalidArgument("the algorithm \"" + std::string(name.substr(0, 32)) + "\" is not ES256, ES384 or RS256");
}

const EVP_MD* JwsDigest(JwsAlg alg) { return alg == JwsAlg::kES384 ? EVP_sha384() : EVP_sha256(); }

std::string AtHash(JwsAlg alg, std::string_view access_token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(access_token.data(), access_token.size(), digest, &n, JwsDigest(alg), nullptr) != 1) std::abort();
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), n / 2));
}

Status CheckKeyFitsAlg(EVP_PKEY* key, JwsAlg alg) {
  if (alg == JwsAlg::kRS256) {
    if (!EVP_PKEY_is_a(key, "RSA")) return InvalidArgument("RS256 needs an RSA key");
    if (EVP_PKEY_get_bits(key) < 2048) return InvalidArgument("RS256 needs an RSA key of at least 2048 bits");
    return OkStatus();
  }
  std::string want = alg == JwsAlg::kES256 ? "P-256" : "P-384";
  if (!EVP_PKEY_is_a(key, "EC") || EcCurve(key) != want) {
    return InvalidArgument(std::string(JwsAlgName(alg)) + " needs an EC " + want + " key");
  }
  return OkStatus();
}

Result<std::string> SignJws(const Json& payload, EVP_PKEY* key, JwsAlg alg, std::string_view kid,
                            std::string_view typ) {
  RETURN_IF_ERROR(CheckKeyFitsAlg(key, alg));
  Json header = {{"alg", JwsAlgName(alg)}};
  if (!kid.empty()) header["kid"] = kid;
  if (!typ.empty()) header["typ"] = typ;
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  ASSIGN_OR_RETURN(std::string signature, SignWith(key, JwsDigest(alg), input, SignatureEncoding::kRaw));
  return input + "." + Base64UrlEncode(signature);
}

Result<Jws> ParseJws(std::string_view compact) {
  if (compact.size() > kMaxJwsBytes) return InvalidArgument("the token is over 16 KiB");
  size_t dot1 = compact.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidArgument("a compact JWS has three parts separated by dots");
  }
  Jws jws;
  ASSIGN_OR_RETURN(jws.header, DecodeJsonPart(compact.substr(0, dot1), "header"));
  ASSIGN_OR_RETURN(jws.payload, DecodeJsonPart(compact.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  auto signature = Base64UrlDecode(compact.substr(dot2 + 1));
  if (!signature.ok()) return signature.status().WithContext("the JWS signature");
  jws.signature = std::move(*signature);
  if (jws.header.contains("crit")) return InvalidArgument("the JWS header has critical extensions riik does not know");
  if (!jws.header.contains("alg") || !jws.header["alg"].is_string()) {
    return InvalidArgument("the JWS header has no \"alg\"");
  }
  ASSIGN_OR_RETURN(jws.alg, ParseJwsAlg(jws.header["alg"].get<std::string>()));
  jws.kid = StringOr(jws.header, "kid");
  jws.signing_input = std::string(compact.substr(0, dot2));
  return jws;
}

Result<bool> VerifyJws(const Jws& jws, EVP_PKEY* key) {
  if (!CheckKeyFitsAlg(key, jws.alg).ok()) return false;
  return VerifyWith(key, JwsDigest(jws.alg), jws.signing_input, jws.signature, SignatureEncoding::kRaw);
}

Result<Json> PublicJwk(EVP_PKEY* key, std::string_view kid, JwsAlg alg) {
  RETURN_IF_ERROR(CheckKeyFitsAlg(key, alg));
  Json jwk = {{"kid", kid}, {"alg", JwsAlgName(alg)}, {"use", "sig"}};
  if (alg == JwsAlg::kRS256) {
    ASSIGN_OR_RETURN(std::string n, BigParam(key, OSSL_PKEY_PARAM_RSA_N, 0));
    ASSIGN_OR_RETURN(std::string e, BigParam(key, OSSL_PKEY_PARAM_RSA_E, 0));
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(n);
    jwk["e"] = Base64UrlEncode(e);
    return jwk;
  }
  int width = EcComponentBytes(key);
  ASSIGN_OR_RETURN(std::string x, BigParam(key, OSSL_PKEY_PARAM_EC_PUB_X, width));
  ASSIGN_OR_RETURN(std::string y, BigParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, width));
  jwk["kty"] = "EC";
  jwk["crv"] = EcCurve(key);
  jwk["x"] = Base64UrlEncode(x);
  jwk["y"] = Base64UrlEncode(y);
  return jwk;
}

Result<UniquePtr<EVP_PKEY>> KeyFromJwk(const Json& jwk) {
  if (!jwk.is_object()) return InvalidArgument("a JWK is a JSON object");
  std::string kty = StringOr(jwk, "kty");
  if (kty == "RSA") {
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, RsaKey(jwk));
    if (EVP_PKEY_get_bits(key.get()) < 2048) return InvalidArgument("the JWK's RSA key is under 2048 bits");
    return key;
  }
  if (kty != "EC") return InvalidArgument("the JWK's key type \"" + kty.substr(0, 16) + "\" is not EC or RSA");
  std::string crv = StringOr(jwk, "crv");
  size_t width = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 0;
  if (width == 0) return InvalidArgument("the JWK's curve \"" + crv.substr(0, 16) + "\" is not P-256 or P-384");
  ASSIGN_OR_RETURN(std::string x, JwkMember(jwk, "x", width));
  ASSIGN_OR_RETURN(std::string y, JwkMember(jwk, "y", width));
  if (x.size() != width || y.size() != width)
    return InvalidArgument("the JWK's coordinates are not " + crv + "'s size");
  return EcPublicKey(crv, "\x04" + x + y);
}

}  // namespace riik::auth
