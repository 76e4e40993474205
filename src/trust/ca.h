// The state's certificate authority: a root CA and two issuing CAs, one for citizens'
// eIDs (ECDSA P-384, like ESTEID) and one for organisations and servers (P-256).
// Certificates, keys and revocations are kept in the trust store (every issuance and
// revocation a journaled transaction); CA private keys are kept encrypted at rest
// (PKCS#8, AES-256) in the CA directory. Profiles and names: docs/trust.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "crypto/x509.h"
#include "store/store.h"

namespace riik::trust {

// What an organisation certificate is for.
enum class Profile {
  kTlsServer,      // a service's TLS server certificate
  kTlsClient,      // a TLS client certificate
  kMemberAuth,     // a security server's authentication certificate: TLS both ways (X-Road "auth")
  kMemberSigning,  // a member's signing certificate (message evidence)
  kOcspResponder,  // the OCSP responder's delegated certificate
  kTimestamping,   // the TSA's certificate (EKU timeStamping, critical)
  kTrustedList,    // signs the state's trusted list (ETSI TS 119 612: EKU id-tsl-kp-tslSigning)
};
// "tls-server", "tls-client", "auth", "signing", "ocsp", "tsa", "tsl"
Result<Profile> ParseProfile(std::string_view name);
std::string_view ProfileName(Profile p);

// RFC 5280 CRLReason names: "unspecified", "keyCompromise", "cACompromise",
// "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold",
// "privilegeWithdrawn", "aACompromise".
Result<int> ParseRevocationReason(std::string_view name);

// The settings below the passphrase are remembered in the trust store (journaled):
// given ones replace the stored ones, empty ones take the stored value.
struct CaOptions {
  std::string dir;             // where the CA certificates and encrypted keys live
  std::string passphrase;      // protects the CA keys at rest; at least 8 characters
  std::string state_name;      // appears in the CA names; default "riik"
  std::string ocsp_url;        // AIA OCSP of every certificate issued
  std::string ca_issuers_url;  // AIA caIssuers base URL: <base>/<ca>.crt
  Clock clock = SystemClock();
};

struct IssueRequest {
  Profile profile = Profile::kTlsServer;
  std::string common_name;
  std::string organization;             // O=, optional
  std::string organization_identifier;  // e.g. NTREE-70000310, optional
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  int days = 365;
  EVP_PKEY* public_key = nullptr;  // the subject's key (only its public half is used)
};

// Which of a citizen's two eID keys a certificate is for, as on the ID card.
enum class EidKey {
  kAuthentication,  // PIN1: KU digitalSignature, EKU clientAuth, SAN email
  kSigning,         // PIN2: KU nonRepudiation, QC statements (qualified e-signature)
};
std::string_view EidKeyName(EidKey k);  // "auth" or "sign"

struct EidRequest {
  EidKey key = EidKey::kAuthentication;
  std::string personal_code;  // 11 digits, validated
  std::string given_name;     // as in the population register; upper-cased in the certificate
  std::string surname;
  std::string email_domain = "eesti.ee";  // SAN email <code>@<domain> (authentication only)
  int days = 5 * 365;
  EVP_PKEY* public_key = nullptr;  // the key generated on the citizen's token (public half)
};

struct CertificateRecord {
  std::string serial;  // upper-case hex
  std::string ca;      // "root", "eid" or "org"
  std::string profile;
  std::string subject;
  UnixMicros not_before = 0;
  UnixMicros not_after = 0;
  std::string status;  // "good" or "revoked"
  std::optional<UnixMicros> revoked_at;
  std::optional<std::string> reason;
  std::string pem;
};

class CertificateAuthority {
 public:
  // Loads the hierarchy from options.dir, creating it (and journaling it) on first use.
  // Fails if the passphrase does not open the existing keys.
  static Result<std::unique_ptr<CertificateAuthority>> Open(store::Store& store, CaOptions options);
  // Wipes the passphrase from memory.
  ~CertificateAuthority();

  // Issues an organisation certificate from the organisations CA. Not for the state's own
  // services (ocsp, tsa, tsl: PermissionDenied): those are made only by ServiceSigner for
  // the trust role itself, since every verifier trusts a TSA or a responder under the root,
  // and a member given one could date or vouch for anything.
  Result<CertificateRecord> Issue(const IssueRequest& request);
  // Issues a citizen's eID certificate from the eID CA (ECDSA P-384 with SHA-384):
  // subject C=EE, CN="SURNAME,GIVEN,CODE", SN, GN, serialNumber=PNOEE-CODE. Invalid
  // codes and names (empty, a comma, not UTF-8, too long) are refused with the reason.
  Result<CertificateRecord> IssueEid(const EidRequest& request);
  // The eID certificates of a person (any status), oldest first.
  Result<std::vector<CertificateRecord>> FindByPersonalCode(const std::string& code);

  // Marks a certificate revoked (journaled); NotFound for an unknown serial,
  // FailedPrecondition if it is already revoked.
  Result<CertificateRecord> Revoke(const std::string& serial_hex, std::string_view reason);
  // Revokes every good eID certificate of a person (a lost or stolen card); NotFound
  // if the person has none.
  Result<std::vector<CertificateRecord>> RevokePerson(const std::string& code, std::string_view reason);
  Result<std::optional<CertificateRecord>> Find(const std::string& serial_hex);
  Result<std::vector<CertificateRecord>> List();

  // A service's signing certificate and key (profile ocsp for the OCSP responder, tsa
  // for the timestamping authority, tsl for the trusted list's signer), issued by `issuer` ("org", or "eid" for the eID
  // CA's delegated OCSP responder): loaded from the CA directory, or issued and stored
  // there with the key encrypted, or re-issued when less than 30 days remain.
  struct Signer {
    UniquePtr<X509> cert;
    UniquePtr<EVP_PKEY> key;
  };
  Result<Signer> ServiceSigner(Profile profile, std::string_view issuer = "org");

  // PEM files of the hierarchy, for TLS clients and `openssl verify`.
  std::string RootPemPath() const;
  std::string CaPemPath(std::string_view ca) const;  // "eid" or "org"
  X509* root_certificate() const { return root_cert_.get(); }
  X509* eid_certificate() const { return eid_cert_.get(); }
  X509* org_certificate() const { return org_cert_.get(); }
  EVP_PKEY* org_key() const { return org_key_.get(); }

 private:
  // Issue() for any profile, the state's own services' too (ServiceSigner).
  Result<CertificateRecord> IssueAnyProfile(const IssueRequest& request);
  CertificateAuthority(store::Store& store, CaOptions options) : store_(store), options_(std::move(options)) {}
  Status Create();
  Status Load();
  Status Settle();  // merges options with the stored settings
  Result<CertificateRecord> Record(X509* cert, const std::string& ca, const std::string& profile);
  // Signs `spec` with the "org" or "eid" CA and journals the new certificate (with its
  // holder's personal code for eID certificates).
  Result<CertificateRecord> IssueFrom(std::string_view issuer, CertificateSpec& spec, EVP_PKEY* subject_key,
                                      const std::string& profile, const std::string& holder_code = "");

  store::Store& store_;
  CaOptions options_;
  UniquePtr<X509> root_cert_, eid_cert_, org_cert_;
  UniquePtr<EVP_PKEY> root_key_, eid_key_, org_key_;
};

// The trust store's tables.
const std::vector<store::TableSchema>& TrustTables();

}  // namespace riik::trust
