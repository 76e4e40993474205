// Verification codes and the app's signature over a hash (app_confirm.h).
#include "auth/app_confirm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "crypto/sha256.h"
#include "crypto/signature.h"
#include "crypto/x509.h"
#include "net/url.h"

namespace riik::auth {

std::string VerificationCode(std::string_view hash) {
  Digest d = Sha256(hash);
  unsigned value = static_cast<unsigned>(d[d.size() - 2]) << 8 | static_cast<unsigned>(d[d.size() - 1]);
  return fmt::format("{:04}", value % 10000);
}

std::string AppHashOf(std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), out, &n, AppHashDigest(), nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(out), n);
}

Status CheckIssuer(std::string_view issuer) {
  if (issuer.size() > kMaxIssuerBytes) return InvalidArgument("the issuer is over 255 bytes");
  auto url = net::ParseUrl(issuer);
  if (!url.ok()) return InvalidArgument("the issuer is not an http(s) URL");
  // A name or an IPv4 address in lower case, dot-separated labels; an IPv6 address in
  // brackets. Lower case and no default port: the form browsers give an origin, which
  // the ID-card's Web eID signature names.
  const std::string& host = url->host;
  const bool ipv6 = host.find(':') != std::string::npos;
  const bool name_ok = !ipv6 && host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos &&
                       host.front() != '.' && host.back() != '.' && host.front() != '-' &&
                       host.find("..") == std::string::npos;
  const bool ipv6_ok = ipv6 && host.find_first_not_of("0123456789abcdef:.") == std::string::npos &&
                       std::count(host.begin(), host.end(), ':') >= 2;
  if ((!name_ok && !ipv6_ok) || url->port == 0) {
    return InvalidArgument("the issuer's host is not a lower-case name or an IP address, or its port is 0");
  }
  // Nothing but what the parts say again: no path, query, fragment, final /, user, or
  // port written another way (nor the scheme's default port written out).
  const uint16_t default_port = url->tls ? 443 : 80;
  const std::string normal = (url->tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) +
                             (url->port == default_port ? "" : ":" + std::to_string(url->port));
  if (issuer != normal) {
    return InvalidArgument("the issuer is scheme, host and port only, as a browser writes an origin (" + normal +
                           "): no path, query, fragment or final /");
  }
  return OkStatus();
}

std::string SignInHash(std::string_view issuer, std::string_view hash) {
  return AppHashOf("riik-app-signin:" + std::string(issuer) + ":" + std::string(hash));
}

std::string DeclineHash(std::string_view app_request_id) {
  return AppHashOf("riik-app-decline:" + std::string(app_request_id));
}

std::string SigningCertificateHash(std::string_view app_request_id, std::string_view signing_certificate_der) {
  return AppHashOf("riik-app-signing-certificate:" + std::string(app_request_id) + ":" +
                   std::string(signing_certificate_der));
}

Checked<Person> VerifyAppAnswer(const AppAnswer& answer, std::string_view person_code, std::string_view hash,
                                CertPurpose purpose, const EidTrust& trust, bool* key_signed) {
  auto cert = trust.ParseCertificate(answer.certificate_der);
  if (!cert.ok()) return Refused{Refusal::kMalformedToken, "the app's certificate: " + cert.status().message()};
  // The cheap checks first: anyone may post an answer, and a stranger's (another person's
  // certificate, a certificate of their own making, or the person's own with a signature
  // it did not make) must cost no OCSP request and must not end the request.
  if (auto named = PersonFromCertificate(cert->get()); !named.ok() || named->code != person_code) {
    return Refused{Refusal::kPersonMismatch, "the app answered with a certificate that is not the person's"};
  }
  // The app signs the digest it was handed: verify it as a digest, not as a message.
  EVP_PKEY* key = X509_get0_pubkey(cert->get());
  std::string der = answer.signature;
  if (EVP_PKEY_is_a(key, "EC")) {
    if (answer.signature.size() != 2 * static_cast<size_t>(EcComponentBytes(key))) {
      return Refused{Refusal::kBadSignature, "the app's signature is not r||s of the key's curve"};
    }
    auto converted = EcdsaRawToDer(answer.signature);
    if (!converted.ok()) return Refused{Refusal::kBadSignature, converted.status().message()};
    der = *converted;
  }
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), AppHashDigest()) != 1) {
    return Refused{Refusal::kInternal, "verifying: " + OpenSslErrors()};
  }
  int ok = EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                           reinterpret_cast<const unsigned char*>(hash.data()), hash.size());
  OpenSslErrors();
  if (ok != 1) return Refused{Refusal::kBadSignature, "the app's signature does not verify over the hash"};
  // The answer is the person's own only if the eID CA issued its certificate (a stranger
  // can make a certificate naming anyone, and sign with its key): only then may a refusal
  // after this (expired, revoked, the wrong purpose) end the request.
  if (!IssuedByEidCa(cert->get(), trust)) {
    return Refused{Refusal::kUntrustedCertificate, "the app's certificate is not issued by the eID CA"};
  }
  if (key_signed) *key_signed = true;
  return CheckEidCertificate(cert->get(), purpose, trust);  // names person_code: checked above
}

Result<std::string> SignAppHash(EVP_PKEY* key, std::string_view hash) {
  return SignDigest(key, AppHashDigest(), hash, SignatureEncoding::kRaw);
}

}  // namespace riik::auth
