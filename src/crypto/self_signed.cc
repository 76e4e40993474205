// Self-signed P-256 certificates for loopback TLS.
#include "crypto/self_signed.h"

#include "crypto/x509.h"

namespace riik {

Result<PemIdentity> MakeSelfSigned(const std::string& common_name, const std::vector<std::string>& dns_names,
                                   int days) {
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, GenerateEcKey("P-256"));
  CertificateSpec spec;
  spec.subject = {{"O", "riik development"}, {"CN", common_name}};
  spec.not_before = NowMicros() - 60'000'000;
  spec.not_after = NowMicros() + int64_t{days} * 86400 * 1'000'000;
  spec.basic_constraints = "critical,CA:TRUE";
  spec.key_usage = "critical,digitalSignature,keyCertSign";
  spec.extended_key_usage = "serverAuth,clientAuth";
  spec.subject_alt_names = {"IP:127.0.0.1", "IP:::1"};
  for (const auto& d : dns_names) spec.subject_alt_names.push_back("DNS:" + d);
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, IssueCertificate(spec, key.get(), nullptr, nullptr));
  PemIdentity id;
  id.cert_pem = CertificatePem(cert.get());
  ASSIGN_OR_RETURN(id.key_pem, PrivateKeyPem(key.get()));
  return id;
}

}  // namespace riik
