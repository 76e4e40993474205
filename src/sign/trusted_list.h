// The trusted list (ETSI TS 119 612, "TSL"), as the EU's member states publish theirs and
// DigiDoc reads them: a signed XML list of trust services — CAs that issue qualified
// certificates, OCSP responders, timestamping authorities — each with its certificate.
// riik's trust role publishes the state's own list (signed by a certificate of profile
// tsl); `riik verify --tsl` and the sign role can take their trust anchors from a list
// instead of the state root, with the list's signer pinned, as DigiDoc's --tslcert does.
// docs/signatures.md describes the subset written and read.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"

namespace riik::trust {
class CertificateAuthority;
}

namespace riik::sign {

inline constexpr std::string_view kTslNs = "http://uri.etsi.org/02231/v2#";
inline constexpr std::string_view kEnvelopedSignatureUri = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
inline constexpr size_t kMaxTrustedListBytes = 8u << 20;
inline constexpr size_t kMaxTrustedServices = 4096;

// The service types a signature's validation uses.
enum class ServiceType {
  kCa,    // http://uri.etsi.org/TrstSvc/Svctype/CA/QC: issues signers' certificates
  kOcsp,  // …/Certstatus/OCSP/QC: answers about their status
  kTsa,   // …/TSA/QTST: qualified timestamps
};
std::string_view ServiceTypeUri(ServiceType type);

struct TrustedService {
  ServiceType type = ServiceType::kCa;
  std::string name;
  UniquePtr<X509> certificate;
  UnixMicros status_since = 0;  // StatusStartingTime of the granted status
};

struct TrustedList {
  std::string territory;       // "EE"
  std::string operator_name;   // who publishes it
  std::string sequence;        // TSLSequenceNumber
  UnixMicros issued = 0;       // ListIssueDateTime
  UnixMicros next_update = 0;  // the list is stale after this
  std::vector<TrustedService> services;

  // The certificates of the services of one type (borrowed from the list).
  std::vector<X509*> Certificates(ServiceType type) const;
};

// What the state's list says. Services are written granted since `status_since`.
struct TrustedListSpec {
  std::string territory = "EE";
  std::string operator_name;
  std::string provider_name;  // the one trust service provider: the state
  std::string information_uri;
  std::string distribution_uri;  // where the list is published
  std::string sequence = "1";
  UnixMicros issued = 0;
  UnixMicros next_update = 0;
  struct Service {
    ServiceType type;
    std::string name;
    X509* certificate;
    UnixMicros status_since;
  };
  std::vector<Service> services;
};

// The list as XML (TS 119 612 v2.1.1 schema), signed enveloped (exclusive C14N) by `key`,
// whose certificate `signer` goes in its KeyInfo.
Result<std::string> WriteTrustedList(const TrustedListSpec& spec, EVP_PKEY* key, X509* signer);

// The state's own list at `now`: the eID CA (it issues the signing certificates), every
// eID OCSP responder and TSA certificate the CA has issued and not revoked (so that
// signatures stamped before a re-issue still validate), valid six months, signed by the
// CA's trusted-list signer (profile tsl, its certificate in the CA directory as
// tsl-org.pem). `url` is the trust role's, where the list is published (/tsl.xml).
Result<std::string> StateTrustedList(trust::CertificateAuthority& ca, std::string_view url, UnixMicros now);

// Reads a list and checks it: well-formed and within the limits, signed (enveloped
// XML-DSig over the whole list) by exactly `expected_signer`, not stale at `now`, of a
// generic (not list-of-lists) type. Services whose status is not granted (or an
// equivalent), or whose type is none of the three, are left out. InvalidArgument says
// what was wrong; DataLoss that the signature does not hold.
Result<TrustedList> ReadTrustedList(std::string_view xml, X509* expected_signer, UnixMicros now);

}  // namespace riik::sign
