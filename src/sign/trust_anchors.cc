// Trust anchors from root files or a trusted list (trust_anchors.h).
#include "sign/trust_anchors.h"

#include "core/file.h"
#include "crypto/x509.h"

namespace riik::sign {

TrustAnchors TrustAnchors::FromRoots(const std::vector<X509*>& roots) { return {roots, roots, roots}; }

TrustAnchors TrustAnchors::FromTrustedList(const TrustedList& list) {
  TrustAnchors t;
  t.signer_cas = list.Certificates(ServiceType::kCa);
  t.timestamp_authorities = list.Certificates(ServiceType::kTsa);
  // DigiDoc accepts an answer from a listed responder, or from one a listed CA delegated.
  t.ocsp_responders = list.Certificates(ServiceType::kOcsp);
  t.ocsp_responders.insert(t.ocsp_responders.end(), t.signer_cas.begin(), t.signer_cas.end());
  return t;
}

Result<OwnedTrust> TrustFromRootFiles(const std::vector<std::string>& pem_paths) {
  OwnedTrust t;
  for (const std::string& path : pem_paths) {
    auto pem = ReadFile(path);
    auto certs = pem.ok() ? ParseCertificatesPem(*pem) : Result<std::vector<UniquePtr<X509>>>(pem.status());
    if (!certs.ok()) return certs.status().WithContext("trusted root " + path);
    for (auto& c : *certs) t.roots.push_back(std::move(c));
  }
  std::vector<X509*> roots;
  for (const auto& c : t.roots) roots.push_back(c.get());
  t.anchors = TrustAnchors::FromRoots(roots);
  return t;
}

Result<OwnedTrust> TrustFromTrustedListFile(const std::string& list_path, const std::string& signer_path,
                                            UnixMicros now) {
  auto signer_pem = ReadFile(signer_path);
  auto signer = signer_pem.ok() ? ParseCertificatePem(*signer_pem) : Result<UniquePtr<X509>>(signer_pem.status());
  if (!signer.ok()) return signer.status().WithContext("the trusted list's signer " + signer_path);
  auto xml = ReadFile(list_path);
  if (!xml.ok()) return xml.status().WithContext("the trusted list " + list_path);
  if (xml->size() > kMaxTrustedListBytes) return InvalidArgument("the trusted list " + list_path + " is too large");
  OwnedTrust t;
  auto list = ReadTrustedList(*xml, signer->get(), now);
  if (!list.ok()) return list.status().WithContext(list_path);
  t.list = std::move(*list);
  t.anchors = TrustAnchors::FromTrustedList(t.list);
  return t;
}

}  // namespace riik::sign
