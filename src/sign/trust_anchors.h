// Whom a signature's validation trusts: the state's root certificates, or the services of
// a trusted list (trusted_list.h) as DigiDoc reads one. Used by `riik verify` and the
// sign role.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "sign/trusted_list.h"

namespace riik::sign {

// Whom a validation trusts, for each purpose (borrowed certificates). From the state's
// root, every chain ends at it; from a trusted list (trusted_list.h), as DigiDoc reads
// one, a signer's certificate must be issued by a listed CA, a timestamp made by a listed
// TSA (or one a listed TSA certificate issued), an OCSP answer signed by a listed
// responder or delegated by a listed CA.
struct TrustAnchors {
  std::vector<X509*> signer_cas;
  std::vector<X509*> timestamp_authorities;
  std::vector<X509*> ocsp_responders;

  static TrustAnchors FromRoots(const std::vector<X509*>& roots);
  static TrustAnchors FromTrustedList(const TrustedList& list);
};

// Trust anchors that own their certificates.
struct OwnedTrust {
  std::vector<UniquePtr<X509>> roots;
  TrustedList list;  // when read from a trusted list
  TrustAnchors anchors;
};

// Every certificate in the PEM files is a root.
Result<OwnedTrust> TrustFromRootFiles(const std::vector<std::string>& pem_paths);
// The services of the trusted list at `list_path`, signed by the certificate in the PEM
// file `signer_path` and not stale at `now`.
Result<OwnedTrust> TrustFromTrustedListFile(const std::string& list_path, const std::string& signer_path,
                                            UnixMicros now);

}  // namespace riik::sign
