// A throwaway TLS identity: a P-256 key and a self-signed certificate for loopback
// names. Used by `riik up` for its development TLS listener and by tests. The state CA
// (trust role) replaces it for anything that needs a real chain.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace riik {

struct PemIdentity {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted: keep the file mode 0600
};

// Issues a certificate for `common_name` with SANs `dns_names` and 127.0.0.1/::1,
// valid for `days` days, with KU digitalSignature and EKU serverAuth + clientAuth.
Result<PemIdentity> MakeSelfSigned(const std::string& common_name, const std::vector<std::string>& dns_names,
                                   int days = 365);

}  // namespace riik
