// The CA hierarchy: creation, loading, issuance and revocation.
#include "trust/ca.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <ctime>
#include <filesystem>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"

namespace riik::trust {
namespace {

using store::Blob;
using store::ColumnType;
using store::Row;
using store::Value;

constexpr int64_t kDay = int64_t{86400} * 1'000'000;

// Certificate policy OIDs under the ITU-T/ISO example arc 2.999 (X.660): a real
// deployment replaces them with the state's own registered arc (docs/trust.md).
constexpr const char* kPolicyEidAuth = "2.999.1.1.1";
constexpr const char* kPolicyEidSign = "2.999.1.1.2";
constexpr const char* kPolicyEidOcsp = "2.999.1.1.3";
// ETSI EN 319 411-2 QCP-n-qscd: a qualified certificate for a natural person, the key
// in a qualified signature creation device.
constexpr const char* kPolicyQcpNQscd = "0.4.0.194112.1.2";
// qcStatements (RFC 3739, ETSI EN 319 412-5): QcCompliance, QcSSCD, QcType esign.
constexpr const char* kQcStatementsDer =
    "DER:3029"
    "3008060604008E460101"
    "3008060604008E460104"
    "3013060604008E4601063009060704008E46010601";
constexpr size_t kMaxNameBytes = 64;
constexpr const char* kPolicyOrgTls = "2.999.1.2.1";
constexpr const char* kPolicyOrgSigning = "2.999.1.2.2";
constexpr const char* kPolicyOcsp = "2.999.1.2.3";
constexpr const char* kPolicyTsa = "2.999.1.2.4";
constexpr const char* kPolicyTrustedList = "2.999.1.2.5";
constexpr const char* kEkuTslSigning = "0.4.0.2231.3.0";  // id-tsl-kp-tslSigning (ETSI TS 119 612)

const char* kReasons[] = {"unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
                          "superseded",    "cessationOfOperation", "certificateHold", "",  // 7 is unused in RFC 5280
                          "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};

UnixMicros ToMicros(const ASN1_TIME* t) {
  std::tm tm{};
  ASN1_TIME_to_tm(t, &tm);
  return static_cast<UnixMicros>(timegm(&tm)) * 1'000'000;
}

std::string Year(UnixMicros t) {
  time_t secs = static_cast<time_t>(t / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return std::to_string(tm.tm_year + 1900);
}

std::optional<std::string> TextOrNull(const Row& row, const char* column) {
  auto it = row.find(column);
  if (it == row.end()) return std::nullopt;
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  return std::nullopt;
}

int64_t IntOr(const Row& row, const char* column, int64_t fallback) {
  auto it = row.find(column);
  if (it == row.end()) return fallback;
  if (auto* n = std::get_if<int64_t>(&it->second)) return *n;
  return fallback;
}

CertificateRecord FromRow(const Row& row) {
  CertificateRecord r;
  r.serial = TextOrNull(row, "serial").value_or("");
  r.ca = TextOrNull(row, "ca").value_or("");
  r.profile = TextOrNull(row, "profile").value_or("");
  r.subject = TextOrNull(row, "subject").value_or("");
  r.not_before = IntOr(row, "not_before", 0);
  r.not_after = IntOr(row, "not_after", 0);
  r.status = TextOrNull(row, "status").value_or("");
  if (auto it = row.find("revoked_at"); it != row.end() && std::holds_alternative<int64_t>(it->second)) {
    r.revoked_at = std::get<int64_t>(it->second);
  }
  r.reason = TextOrNull(row, "reason");
  r.pem = TextOrNull(row, "pem").value_or("");
  return r;
}

Row ToRow(const CertificateRecord& r) {
  Row row = {{"serial", r.serial},         {"ca", r.ca},
             {"profile", r.profile},       {"subject", r.subject},
             {"not_before", r.not_before}, {"not_after", r.not_after},
             {"status", r.status},         {"pem", r.pem}};
  row["revoked_at"] = r.revoked_at ? Value{*r.revoked_at} : Value{};
  row["reason"] = r.reason ? Value{*r.reason} : Value{};
  return row;
}

// Names appear upper-case on the card: ASCII and the Estonian letters (õ ä ö ü š ž).
std::string UpperName(std::string_view name) {
  static const std::pair<const char*, const char*> kEstonian[] = {{"õ", "Õ"}, {"ä", "Ä"}, {"ö", "Ö"},
                                                                  {"ü", "Ü"}, {"š", "Š"}, {"ž", "Ž"}};
  std::string out;
  for (size_t i = 0; i < name.size();) {
    bool mapped = false;
    for (const auto& [lower, upper] : kEstonian) {
      if (name.substr(i, 2) == lower) {
        out += upper;
        i += 2;
        mapped = true;
        break;
      }
    }
    if (!mapped) {
      char c = name[i++];
      out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
  }
  return out;
}

Status CheckName(const char* what, std::string_view name) {
  if (name.empty()) return InvalidArgument(std::string("the ") + what + " is empty");
  if (name.size() > kMaxNameBytes) return InvalidArgument(std::string("the ") + what + " is longer than 64 bytes");
  if (!IsValidUtf8(name)) return InvalidArgument(std::string("the ") + what + " is not UTF-8 text");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == ',') {
      return InvalidArgument(std::string("the ") + what + " may not contain commas or control characters");
    }
  }
  return OkStatus();
}

}  // namespace

const std::vector<store::TableSchema>& TrustTables() {
  static const std::vector<store::TableSchema> tables = {
      {"certificates",
       {{"serial", ColumnType::kText},
        {"ca", ColumnType::kText},
        {"profile", ColumnType::kText},
        {"subject", ColumnType::kText},
        {"not_before", ColumnType::kInt},
        {"not_after", ColumnType::kInt},
        {"status", ColumnType::kText},
        {"revoked_at", ColumnType::kInt, true},
        {"reason", ColumnType::kText, true},
        {"pem", ColumnType::kText}},
       {"serial"},
       {{"status"}}},
      {"ca_settings", {{"key", ColumnType::kText}, {"value", ColumnType::kText}}, {"key"}, {}},
      // Whose eID a certificate is: the personal code, for `riik ca revoke --code`.
      {"eid_holders", {{"serial", ColumnType::kText}, {"code", ColumnType::kText}}, {"serial"}, {{"code"}}},
  };
  return tables;
}

Result<Profile> ParseProfile(std::string_view name) {
  if (name == "tls-server") return Profile::kTlsServer;
  if (name == "tls-client") return Profile::kTlsClient;
  if (name == "auth") return Profile::kMemberAuth;
  if (name == "signing") return Profile::kMemberSigning;
  if (name == "ocsp") return Profile::kOcspResponder;
  if (name == "tsa") return Profile::kTimestamping;
  if (name == "tsl") return Profile::kTrustedList;
  return InvalidArgument("unknown certificate profile '" + std::string(name) +
                         "' (expected tls-server, tls-client, auth, signing, ocsp, tsa or tsl)");
}

std::string_view ProfileName(Profile p) {
  switch (p) {
    case Profile::kTlsServer:
      return "tls-server";
    case Profile::kTlsClient:
      return "tls-client";
    case Profile::kMemberAuth:
      return "auth";
    case Profile::kMemberSigning:
      return "signing";
    case Profile::kOcspResponder:
      return "ocsp";
    case Profile::kTimestamping:
      return "tsa";
    case Profile::kTrustedList:
      return "tsl";
  }
  return "?";
}

std::string_view EidKeyName(EidKey k) { return k == EidKey::kAuthentication ? "auth" : "sign"; }

Result<int> ParseRevocationReason(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kReasons)); ++i) {
    if (kReasons[i][0] != '\0' && name == kReasons[i]) return i;
  }
  return InvalidArgument("unknown revocation reason '" + std::string(name) +
                         "' (e.g. keyCompromise, superseded, cessationOfOperation, certificateHold)");
}

std::string CertificateAuthority::RootPemPath() const { return options_.dir + "/root.pem"; }
std::string CertificateAuthority::CaPemPath(std::string_view ca) const {
  return options_.dir + "/" + std::string(ca) + ".pem";
}

Result<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Open(store::Store& store, CaOptions options) {
  if (options.passphrase.size() < 8) return InvalidArgument("the CA key passphrase must be at least 8 characters");
  RETURN_IF_ERROR(store.EnsureTables(TrustTables()));
  std::unique_ptr<CertificateAuthority> ca(new CertificateAuthority(store, std::move(options)));
  RETURN_IF_ERROR(ca->Settle());
  if (std::filesystem::exists(ca->RootPemPath())) {
    RETURN_IF_ERROR(ca->Load());
  } else {
    RETURN_IF_ERROR(ca->Create());
  }
  return ca;
}

CertificateAuthority::~CertificateAuthority() {
  OPENSSL_cleanse(options_.passphrase.data(), options_.passphrase.size());
}

Status CertificateAuthority::Create() {
  RETURN_IF_ERROR(MakePrivateDirectory(options_.dir));
  UnixMicros now = options_.clock();
  std::string year = Year(now);
  const std::string& state = options_.state_name;
  auto ca_spec = [&](const std::string& cn, int years, bool issuing) {
    CertificateSpec s;
    s.subject = {{"C", "EE"}, {"O", state}, {"CN", cn}};
    s.not_before = now - 60'000'000;
    s.not_after = now + years * 365 * kDay;
    s.basic_constraints = issuing ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE";
    s.key_usage = "critical,keyCertSign,cRLSign";
    if (issuing) {
      s.ocsp_url = options_.ocsp_url;
      if (!options_.ca_issuers_url.empty()) s.ca_issuers_url = options_.ca_issuers_url + "/root.crt";
      s.policy_oids = {"2.5.29.32.0"};  // anyPolicy
    }
    return s;
  };
  ASSIGN_OR_RETURN(root_key_, GenerateEcKey("P-384"));
  ASSIGN_OR_RETURN(root_cert_,
                   IssueCertificate(ca_spec(state + " Root CA " + year, 20, false), root_key_.get(), nullptr, nullptr));
  ASSIGN_OR_RETURN(eid_key_, GenerateEcKey("P-384"));
  ASSIGN_OR_RETURN(eid_cert_, IssueCertificate(ca_spec(state + " eID CA " + year, 12, true), eid_key_.get(),
                                               root_cert_.get(), root_key_.get()));
  ASSIGN_OR_RETURN(org_key_, GenerateEcKey("P-256"));
  ASSIGN_OR_RETURN(org_cert_, IssueCertificate(ca_spec(state + " Organisations CA " + year, 12, true), org_key_.get(),
                                               root_cert_.get(), root_key_.get()));

  std::string root_pem = CertificatePem(root_cert_.get());
  struct Part {
    const char* name;
    X509* cert;
    EVP_PKEY* key;
  } parts[] = {{"root", root_cert_.get(), root_key_.get()},
               {"eid", eid_cert_.get(), eid_key_.get()},
               {"org", org_cert_.get(), org_key_.get()}};
  for (const auto& p : parts) {
    ASSIGN_OR_RETURN(std::string key_pem, EncryptedPrivateKeyPem(p.key, options_.passphrase));
    RETURN_IF_ERROR(WriteFileAtomic(options_.dir + "/" + p.name + ".key", key_pem, /*secret=*/true));
    if (p.cert != root_cert_.get()) {
      RETURN_IF_ERROR(
          WriteFileAtomic(options_.dir + "/" + p.name + "-chain.pem", CertificatePem(p.cert) + root_pem, false));
    }
  }
  // The root last: its presence marks a complete hierarchy.
  RETURN_IF_ERROR(WriteFileAtomic(CaPemPath("eid"), CertificatePem(eid_cert_.get()), false));
  RETURN_IF_ERROR(WriteFileAtomic(CaPemPath("org"), CertificatePem(org_cert_.get()), false));
  RETURN_IF_ERROR(WriteFileAtomic(RootPemPath(), root_pem, false));
  return Load();  // records the CA certificates in the store
}

Status CertificateAuthority::Settle() {
  std::pair<const char*, std::string*> settings[] = {{"state_name", &options_.state_name},
                                                     {"ocsp_url", &options_.ocsp_url},
                                                     {"ca_issuers_url", &options_.ca_issuers_url}};
  RETURN_IF_ERROR(store_
                      .Write([&](store::WriteTxn& txn) -> Status {
                        for (auto& [key, value] : settings) {
                          ASSIGN_OR_RETURN(auto row, txn.Get("ca_settings", {{"key", std::string(key)}}));
                          auto stored = row ? TextOrNull(*row, "value") : std::nullopt;
                          if (value->empty()) {
                            if (stored) *value = *stored;
                          } else if (stored != *value) {
                            RETURN_IF_ERROR(txn.Put("ca_settings", {{"key", std::string(key)}, {"value", *value}}));
                          }
                        }
                        return OkStatus();
                      })
                      .status());
  if (options_.state_name.empty()) options_.state_name = "riik";
  return OkStatus();
}

Status CertificateAuthority::Load() {
  struct Part {
    const char* name;
    UniquePtr<X509>* cert;
    UniquePtr<EVP_PKEY>* key;
  } parts[] = {{"root", &root_cert_, &root_key_}, {"eid", &eid_cert_, &eid_key_}, {"org", &org_cert_, &org_key_}};
  std::vector<CertificateRecord> records;
  for (const auto& p : parts) {
    std::string base = options_.dir + "/" + p.name;
    ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(base + ".pem"));
    ASSIGN_OR_RETURN(*p.cert, ParseCertificatePem(cert_pem));
    ASSIGN_OR_RETURN(std::string key_pem, ReadSecretFile(base + ".key"));
    auto key = ParsePrivateKeyPem(key_pem, options_.passphrase);
    if (!key.ok()) return PermissionDenied("the CA passphrase does not open " + base + ".key");
    *p.key = std::move(*key);
    if (X509_check_private_key(p.cert->get(), p.key->get()) != 1) {
      return DataLoss(base + ".key does not belong to " + base + ".pem");
    }
    ASSIGN_OR_RETURN(CertificateRecord r, Record(p.cert->get(), p.name, "ca"));
    records.push_back(std::move(r));
  }
  // Make sure the store knows the hierarchy (first start, or files restored by hand).
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        for (const auto& r : records) {
          ASSIGN_OR_RETURN(auto existing, txn.Get("certificates", {{"serial", r.serial}}));
          if (!existing) RETURN_IF_ERROR(txn.Put("certificates", ToRow(r)));
        }
        return OkStatus();
      })
      .status();
}

Result<CertificateRecord> CertificateAuthority::Record(X509* cert, const std::string& ca, const std::string& profile) {
  CertificateRecord r;
  r.serial = SerialHex(cert);
  r.ca = ca;
  r.profile = profile;
  r.subject = SubjectString(cert);
  r.not_before = ToMicros(X509_get0_notBefore(cert));
  r.not_after = ToMicros(X509_get0_notAfter(cert));
  r.status = "good";
  r.pem = CertificatePem(cert);
  return r;
}

Result<CertificateRecord> CertificateAuthority::Issue(const IssueRequest& req) {
  if (req.profile == Profile::kOcspResponder || req.profile == Profile::kTimestamping ||
      req.profile == Profile::kTrustedList) {
    return PermissionDenied(
        "the " + std::string(ProfileName(req.profile)) +
        " profile is the state's own services' alone: the trust role makes those certificates for itself (every "
        "verifier trusts them under the state root)");
  }
  return IssueAnyProfile(req);
}

Result<CertificateRecord> CertificateAuthority::IssueAnyProfile(const IssueRequest& req) {
  if (req.common_name.empty()) return InvalidArgument("a certificate needs a common name (--cn)");
  if (!req.public_key) return InvalidArgument("a certificate needs the subject's public key");
  if (req.days < 1 || req.days > 825) return InvalidArgument("validity must be 1 to 825 days");
  UnixMicros now = options_.clock();
  CertificateSpec s;
  s.subject = {{"C", "EE"}};
  if (!req.organization.empty()) s.subject.emplace_back("O", req.organization);
  if (!req.organization_identifier.empty())
    s.subject.emplace_back("organizationIdentifier", req.organization_identifier);
  s.subject.emplace_back("CN", req.common_name);
  s.not_before = now - 60'000'000;
  s.not_after = now + req.days * kDay;
  s.basic_constraints = "critical,CA:FALSE";
  s.ocsp_url = options_.ocsp_url;
  for (const auto& d : req.dns_names) s.subject_alt_names.push_back("DNS:" + d);
  for (const auto& ip : req.ip_addresses) s.subject_alt_names.push_back("IP:" + ip);
  switch (req.profile) {
    case Profile::kTlsServer:
      if (s.subject_alt_names.empty()) return InvalidArgument("a TLS server certificate needs --dns or --ip names");
      s.key_usage = "critical,digitalSignature";
      s.extended_key_usage = "serverAuth";
      s.policy_oids = {kPolicyOrgTls};
      break;
    case Profile::kTlsClient:
      s.key_usage = "critical,digitalSignature";
      s.extended_key_usage = "clientAuth";
      s.policy_oids = {kPolicyOrgTls};
      break;
    case Profile::kMemberAuth:
      // A security server presents it as a server to its peers and as a client to theirs.
      if (s.subject_alt_names.empty())
        return InvalidArgument("a security server's auth certificate needs --dns or --ip names");
      s.key_usage = "critical,digitalSignature";
      s.extended_key_usage = "serverAuth,clientAuth";
      s.policy_oids = {kPolicyOrgTls};
      break;
    case Profile::kMemberSigning:
      s.key_usage = "critical,digitalSignature,nonRepudiation";
      s.policy_oids = {kPolicyOrgSigning};
      break;
    case Profile::kOcspResponder:
      s.key_usage = "critical,digitalSignature";
      s.extended_key_usage = "critical,OCSPSigning";
      s.extra_extensions = {{"noCheck", "ignored"}};
      s.ocsp_url.clear();  // id-pkix-ocsp-nocheck: the responder's own status is not checked
      s.policy_oids = {kPolicyOcsp};
      break;
    case Profile::kTimestamping:
      s.key_usage = "critical,digitalSignature";
      s.extended_key_usage = "critical,timeStamping";
      s.policy_oids = {kPolicyTsa};
      break;
    case Profile::kTrustedList:
      s.key_usage = "critical,digitalSignature,nonRepudiation";
      s.extended_key_usage = std::string("critical,") + kEkuTslSigning;
      s.policy_oids = {kPolicyTrustedList};
      break;
  }
  return IssueFrom("org", s, req.public_key, std::string(ProfileName(req.profile)));
}

Result<CertificateRecord> CertificateAuthority::IssueFrom(std::string_view issuer, CertificateSpec& spec,
                                                          EVP_PKEY* subject_key, const std::string& profile,
                                                          const std::string& holder_code) {
  bool eid = issuer == "eid";
  X509* ca_cert = eid ? eid_cert_.get() : org_cert_.get();
  EVP_PKEY* ca_key = eid ? eid_key_.get() : org_key_.get();
  if (!options_.ca_issuers_url.empty())
    spec.ca_issuers_url = options_.ca_issuers_url + "/" + std::string(issuer) + ".crt";
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, IssueCertificate(spec, subject_key, ca_cert, ca_key));
  ASSIGN_OR_RETURN(CertificateRecord r, Record(cert.get(), std::string(issuer), profile));
  RETURN_IF_ERROR(store_
                      .Write([&](store::WriteTxn& txn) -> Status {
                        RETURN_IF_ERROR(txn.Put("certificates", ToRow(r)));
                        if (holder_code.empty()) return OkStatus();
                        return txn.Put("eid_holders", {{"serial", r.serial}, {"code", holder_code}});
                      })
                      .status());
  return r;
}

Result<CertificateRecord> CertificateAuthority::IssueEid(const EidRequest& req) {
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Parse(req.personal_code));
  RETURN_IF_ERROR(CheckName("given name", req.given_name));
  RETURN_IF_ERROR(CheckName("surname", req.surname));
  if (!req.public_key) return InvalidArgument("an eID certificate needs the token's public key");
  if (req.days < 1 || req.days > 10 * 365) return InvalidArgument("eID validity must be 1 day to 10 years");
  std::string given = UpperName(req.given_name), surname = UpperName(req.surname);
  UnixMicros now = options_.clock();
  CertificateSpec s;
  s.subject = {{"C", "EE"},
               {"CN", surname + "," + given + "," + code.code},
               {"SN", surname},
               {"GN", given},
               {"serialNumber", code.Pno()}};
  s.not_before = now - 60'000'000;
  s.not_after = now + req.days * kDay;
  s.basic_constraints = "critical,CA:FALSE";
  s.ocsp_url = options_.ocsp_url;
  if (req.key == EidKey::kAuthentication) {
    if (req.email_domain.empty() || req.email_domain.find_first_of("@, ") != std::string::npos) {
      return InvalidArgument("the eID e-mail domain must be a plain domain name, e.g. eesti.ee");
    }
    s.key_usage = "critical,digitalSignature";
    s.extended_key_usage = "clientAuth";
    s.subject_alt_names = {"email:" + code.code + "@" + req.email_domain};
    s.policy_oids = {kPolicyEidAuth};
  } else {
    s.key_usage = "critical,nonRepudiation";
    s.policy_oids = {kPolicyEidSign, kPolicyQcpNQscd};
    s.extra_extensions = {{"1.3.6.1.5.5.7.1.3", kQcStatementsDer}};
  }
  std::string profile = "eid-" + std::string(EidKeyName(req.key));
  return IssueFrom("eid", s, req.public_key, profile, code.code);
}

Result<std::vector<CertificateRecord>> CertificateAuthority::FindByPersonalCode(const std::string& code) {
  ASSIGN_OR_RETURN(identity::PersonalCode parsed, identity::PersonalCode::Parse(code));
  ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT c.* FROM certificates c JOIN eid_holders h ON h.serial = c.serial "
                                           "WHERE h.code = ? ORDER BY c.not_before, c.serial",
                                           {parsed.code}));
  std::vector<CertificateRecord> out;
  for (const auto& row : rows) out.push_back(FromRow(row));
  return out;
}

Result<CertificateRecord> CertificateAuthority::Revoke(const std::string& serial_hex, std::string_view reason) {
  ASSIGN_OR_RETURN(int reason_code, ParseRevocationReason(reason));
  (void)reason_code;
  CertificateRecord out;
  RETURN_IF_ERROR(store_
                      .Write([&](store::WriteTxn& txn) -> Status {
                        ASSIGN_OR_RETURN(auto row, txn.Get("certificates", {{"serial", serial_hex}}));
                        if (!row) return NotFound("no certificate with serial " + serial_hex);
                        out = FromRow(*row);
                        if (out.status == "revoked") {
                          return FailedPrecondition("certificate " + serial_hex + " is already revoked (" +
                                                    out.reason.value_or("?") + ")");
                        }
                        out.status = "revoked";
                        out.revoked_at = options_.clock();
                        out.reason = std::string(reason);
                        return txn.Put("certificates", ToRow(out));
                      })
                      .status());
  return out;
}

Result<std::vector<CertificateRecord>> CertificateAuthority::RevokePerson(const std::string& code,
                                                                          std::string_view reason) {
  RETURN_IF_ERROR(ParseRevocationReason(reason).status());
  ASSIGN_OR_RETURN(auto all, FindByPersonalCode(code));
  std::vector<CertificateRecord> revoked;
  for (const auto& r : all) {
    if (r.status != "good") continue;
    ASSIGN_OR_RETURN(CertificateRecord done, Revoke(r.serial, reason));
    revoked.push_back(std::move(done));
  }
  if (revoked.empty()) return NotFound("no valid eID certificates for personal code " + code);
  return revoked;
}

Result<CertificateAuthority::Signer> CertificateAuthority::ServiceSigner(Profile profile, std::string_view issuer) {
  if (profile != Profile::kOcspResponder && profile != Profile::kTimestamping && profile != Profile::kTrustedList) {
    return InvalidArgument("service signers exist for the ocsp, tsa and tsl profiles only");
  }
  if (issuer != "org" && !(issuer == "eid" && profile == Profile::kOcspResponder)) {
    return InvalidArgument("the eID CA delegates only its OCSP responder; every other signer is from the org CA");
  }
  std::string service(ProfileName(profile));
  std::string base = options_.dir + "/" + service + "-" + std::string(issuer);
  Signer s;
  if (std::filesystem::exists(base + ".pem") && std::filesystem::exists(base + ".key")) {
    ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(base + ".pem"));
    ASSIGN_OR_RETURN(std::string key_pem, ReadSecretFile(base + ".key"));
    ASSIGN_OR_RETURN(s.cert, ParseCertificatePem(cert_pem));
    auto key = ParsePrivateKeyPem(key_pem, options_.passphrase);
    if (!key.ok()) return PermissionDenied("the CA passphrase does not open " + base + ".key");
    s.key = std::move(*key);
    UnixMicros expires = ToMicros(X509_get0_notAfter(s.cert.get()));
    // A key that is not the certificate's (a crash between writing the two) is replaced.
    bool pair = X509_check_private_key(s.cert.get(), s.key.get()) == 1;
    ERR_clear_error();
    // So is a revoked certificate (its key compromised, or retired by the operator): a
    // delegated OCSP responder's carries id-pkix-ocsp-nocheck, so verifiers never ask
    // about it, and serving on with it would keep a leaked key's answers looking current.
    ASSIGN_OR_RETURN(std::optional<CertificateRecord> record, Find(SerialHex(s.cert.get())));
    bool revoked = record && record->status == "revoked";
    if (pair && !revoked && expires - options_.clock() > 30 * kDay) return s;
  }
  ASSIGN_OR_RETURN(s.key, GenerateEcKey("P-256"));
  CertificateRecord rec;
  if (issuer == "org") {
    IssueRequest req;
    req.profile = profile;
    req.common_name = options_.state_name + (profile == Profile::kTimestamping  ? " Time-Stamping Authority"
                                             : profile == Profile::kTrustedList ? " Trusted List signer"
                                                                                : " OCSP responder");
    req.organization = options_.state_name;
    req.days = 365;
    req.public_key = s.key.get();
    ASSIGN_OR_RETURN(rec, IssueAnyProfile(req));
  } else {
    // The eID CA's own delegated responder (RFC 6960 §4.2.2.2: issued by the CA whose
    // certificates it answers for).
    UnixMicros now = options_.clock();
    CertificateSpec spec;
    spec.subject = {{"C", "EE"}, {"O", options_.state_name}, {"CN", options_.state_name + " eID OCSP responder"}};
    spec.not_before = now - 60'000'000;
    spec.not_after = now + 365 * kDay;
    spec.basic_constraints = "critical,CA:FALSE";
    spec.key_usage = "critical,digitalSignature";
    spec.extended_key_usage = "critical,OCSPSigning";
    spec.extra_extensions = {{"noCheck", "ignored"}};
    spec.policy_oids = {kPolicyEidOcsp};
    ASSIGN_OR_RETURN(rec, IssueFrom("eid", spec, s.key.get(), "ocsp"));
  }
  ASSIGN_OR_RETURN(s.cert, ParseCertificatePem(rec.pem));
  ASSIGN_OR_RETURN(std::string key_pem, EncryptedPrivateKeyPem(s.key.get(), options_.passphrase));
  RETURN_IF_ERROR(WriteFileAtomic(base + ".key", key_pem, /*secret=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(base + ".pem", rec.pem, false));
  return s;
}

Result<std::optional<CertificateRecord>> CertificateAuthority::Find(const std::string& serial_hex) {
  ASSIGN_OR_RETURN(auto row, store_.Get("certificates", {{"serial", serial_hex}}));
  if (!row) return std::optional<CertificateRecord>();
  return std::optional<CertificateRecord>(FromRow(*row));
}

Result<std::vector<CertificateRecord>> CertificateAuthority::List() {
  ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT * FROM certificates ORDER BY not_before, serial"));
  std::vector<CertificateRecord> out;
  for (const auto& row : rows) out.push_back(FromRow(row));
  return out;
}

}  // namespace riik::trust
