// Checks on a citizen's eID certificate (eid_check.h).
#include "auth/eid_check.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <optional>

#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"
#include "trust/chain_checks.h"
#include "trust/ocsp_client.h"

namespace riik::auth {
namespace {

// The eID signing policy (trust/ca.cc): never accepted for signing in.
constexpr const char* kEidSigningPolicy = "2.999.1.1.2";

std::string NameEntry(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return "";
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

// The dotted OIDs of the certificate's policies.
std::vector<std::string> Policies(X509* cert) {
  std::vector<std::string> out;
  auto* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
  if (!policies) return out;
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    char oid[80];
    int n = OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies, i)->policyid, 1);
    if (n > 0 && n < static_cast<int>(sizeof oid)) out.emplace_back(oid, static_cast<size_t>(n));
  }
  sk_POLICYINFO_pop_free(policies, POLICYINFO_free);
  return out;
}

std::optional<Refused> CheckPurpose(X509* cert, CertPurpose purpose, const std::vector<std::string>& disallowed) {
  uint32_t flags = X509_get_extension_flags(cert);
  uint32_t usage = X509_get_key_usage(cert);
  if (purpose == CertPurpose::kAuthentication) {
    if (!(flags & EXFLAG_KUSAGE) || !(usage & KU_DIGITAL_SIGNATURE)) {
      return Refused{Refusal::kWrongCertificate, "the certificate's key usage lacks digitalSignature"};
    }
    if (!(flags & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(cert) & XKU_SSL_CLIENT)) {
      return Refused{Refusal::kWrongCertificate, "the certificate is not for client authentication (no clientAuth)"};
    }
  } else if (!(flags & EXFLAG_KUSAGE) || !(usage & KU_NON_REPUDIATION)) {
    return Refused{Refusal::kWrongCertificate, "the certificate's key usage lacks nonRepudiation"};
  }
  for (const std::string& policy : Policies(cert)) {
    for (const std::string& bad : disallowed) {
      if (policy == bad)
        return Refused{Refusal::kWrongCertificate, "the certificate carries the disallowed policy " + bad};
    }
  }
  return std::nullopt;
}

// `message` with the certificate's subject (a person's name and personal code) taken
// out: refusals go to the log, and personal data must not.
std::string WithoutSubject(std::string message, X509* cert) {
  const std::string subject = SubjectString(cert);
  for (size_t at; !subject.empty() && (at = message.find(subject)) != std::string::npos;) {
    message.replace(at, subject.size(), "the citizen's certificate");
  }
  return message;
}

std::optional<Refused> CheckStatus(X509* cert, const EidTrust& trust) {
  auto query = trust::BuildOcspQuery(cert, trust.eid_ca.get());
  if (!query.ok()) return Refused{Refusal::kInternal, query.status().message()};
  auto der = trust.post_ocsp(trust.ocsp_url, query->der);
  if (!der.ok()) return Refused{Refusal::kStatusUnavailable, "OCSP: " + der.status().message()};
  auto answer = trust::CheckOcspResponse(*der, cert, trust.eid_ca.get(), trust.root.get(), &*query);
  if (!answer.ok()) {
    return Refused{Refusal::kStatusUnavailable, "OCSP: " + WithoutSubject(answer.status().message(), cert)};
  }
  switch (answer->status) {
    case trust::CertStatus::kGood:
      return std::nullopt;
    case trust::CertStatus::kRevoked:
      return Refused{Refusal::kCertificateRevoked, fmt::format("revoked at {} ({})", FormatRfc3339(answer->revoked_at),
                                                               trust::RevocationReasonName(answer->revocation_reason))};
    case trust::CertStatus::kUnknown:
      break;
  }
  return Refused{Refusal::kCertificateUnknown, "the OCSP responder does not know the certificate"};
}

}  // namespace

Result<Person> PersonFromCertificate(X509* cert) {
  std::string serial = NameEntry(cert, NID_serialNumber);
  if (!serial.starts_with("PNOEE-")) {
    return InvalidArgument("the certificate does not name an Estonian personal code (serialNumber PNOEE-…)");
  }
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Parse(std::string_view(serial).substr(6)));
  Person p;
  p.code = code.code;
  p.given_name = NameEntry(cert, NID_givenName);
  p.family_name = NameEntry(cert, NID_surname);
  p.date_of_birth = fmt::format("{:04}-{:02}-{:02}", code.year, code.month, code.day);
  return p;
}

namespace {

std::string CertificateKey(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  return std::string(reinterpret_cast<char*>(md), n);
}

}  // namespace

KnownCertificates::Entry* KnownCertificates::FindLocked(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  ages_.splice(ages_.begin(), ages_, it->second.age);
  return &it->second;
}

Result<std::shared_ptr<X509>> KnownCertificates::Parse(std::string_view der) {
  std::string key = DigestBytes(Sha256(der));
  {
    std::lock_guard lock(mu_);
    if (Entry* e = FindLocked(key)) return e->cert;
  }
  ASSIGN_OR_RETURN(UniquePtr<X509> parsed, ParseCertificateDer(der));
  X509_check_purpose(parsed.get(), -1, 0);  // caches its extensions before threads share it
  std::shared_ptr<X509> cert(parsed.release(), X509_free);
  std::lock_guard lock(mu_);
  if (Entry* e = FindLocked(key)) return e->cert;
  if (entries_.size() >= capacity_ && !ages_.empty()) {
    entries_.erase(ages_.back());
    ages_.pop_back();
  }
  ages_.push_front(key);
  entries_[key] = Entry{cert, false, ages_.begin()};
  return cert;
}

bool KnownCertificates::Chained(X509* cert) {
  std::string key = CertificateKey(cert);
  std::lock_guard lock(mu_);
  Entry* e = FindLocked(key);
  // The same object or the same bytes: a certificate that only looks alike is not it.
  return e && e->chained && X509_cmp(e->cert.get(), cert) == 0;
}

void KnownCertificates::MarkChained(X509* cert) {
  std::string key = CertificateKey(cert);
  std::lock_guard lock(mu_);
  if (Entry* e = FindLocked(key); e && X509_cmp(e->cert.get(), cert) == 0) e->chained = true;
}

Result<std::shared_ptr<X509>> EidTrust::ParseCertificate(std::string_view der) const {
  if (known) return known->Parse(der);
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificateDer(der));
  return std::shared_ptr<X509>(cert.release(), X509_free);
}

Result<EidTrust> EidTrust::FromFiles(const std::string& eid_ca_pem, const std::string& root_pem, std::string ocsp_url,
                                     OcspPost post_ocsp) {
  EidTrust t;
  ASSIGN_OR_RETURN(std::string ca_text, ReadFile(eid_ca_pem));
  ASSIGN_OR_RETURN(t.eid_ca, ParseCertificatePem(ca_text));
  ASSIGN_OR_RETURN(std::string root_text, ReadFile(root_pem));
  ASSIGN_OR_RETURN(t.root, ParseCertificatePem(root_text));
  RETURN_IF_ERROR(trust::VerifyChain(t.eid_ca.get(), {}, t.root.get(), NowMicros()).WithContext(eid_ca_pem));
  t.ocsp_url = std::move(ocsp_url);
  t.post_ocsp = std::move(post_ocsp);
  t.disallowed_policies = {kEidSigningPolicy};
  return t;
}

bool IssuedByEidCa(X509* cert, const EidTrust& trust) {
  if (X509_check_issued(trust.eid_ca.get(), cert) != X509_V_OK) return false;
  if (trust.known && trust.known->Chained(cert)) return true;
  const bool signed_by_ca = X509_verify(cert, X509_get0_pubkey(trust.eid_ca.get())) == 1;
  ERR_clear_error();
  return signed_by_ca;
}

Checked<Person> CheckEidCertificate(X509* cert, CertPurpose purpose, const EidTrust& trust) {
  UnixMicros now = trust.clock();
  if (!trust::CertificateValidAt(cert, now)) {
    return Refused{Refusal::kCertificateNotValidNow, "the certificate is not valid at " + FormatRfc3339(now)};
  }
  if (auto wrong = CheckPurpose(
          cert, purpose,
          purpose == CertPurpose::kAuthentication ? trust.disallowed_policies : std::vector<std::string>{})) {
    return *wrong;
  }
  // Issued by the eID CA itself: the organisations CA chains to the same root, and a
  // server's certificate must never sign a person in.
  if (X509_check_issued(trust.eid_ca.get(), cert) != X509_V_OK) {
    return Refused{Refusal::kUntrustedCertificate, "the certificate is not issued by the eID CA"};
  }
  // A certificate whose chain verified before needs only its CA and the root valid now.
  bool remembered = trust.known && trust.known->Chained(cert) && trust::CertificateValidAt(trust.eid_ca.get(), now) &&
                    trust::CertificateValidAt(trust.root.get(), now);
  if (!remembered) {
    std::vector<UniquePtr<X509>> intermediates;
    intermediates.emplace_back(X509_dup(trust.eid_ca.get()));
    if (Status chained = trust::VerifyChain(cert, intermediates, trust.root.get(), now); !chained.ok()) {
      return Refused{Refusal::kUntrustedCertificate, chained.message()};
    }
    if (trust.known) trust.known->MarkChained(cert);
  }
  auto person = PersonFromCertificate(cert);
  if (!person.ok()) return Refused{Refusal::kWrongCertificate, person.status().message()};
  if (auto status = CheckStatus(cert, trust)) return *status;
  return *person;
}

}  // namespace riik::auth
