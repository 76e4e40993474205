// Reading a trusted list: its signature first (nothing in an unsigned list is believed),
// then its freshness and type, then the services a signature's validation uses.
#include "sign/trusted_list.h"

#include <array>

#include "crypto/x509.h"
#include "sign/algorithms.h"
#include "sign/signature_xml.h"
#include "sign/xml.h"
#include "trust/chain_checks.h"

namespace riik::sign {
namespace {

// TS 119 612's generic list types (a list of the lists only points to other lists).
constexpr std::array<std::string_view, 3> kGenericTypes = {
    "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric",
    "http://uri.etsi.org/TrstSvc/TSLtype/generic/eSigDir-1999-93-EC-TrustedList",
    "http://uri.etsi.org/TrstSvc/eSigDir-1999-93-EC-TrustedList/TSLType/generic"};

// The statuses under which a service's certificates are trusted, today's and the 1999/93/EC ones.
constexpr std::array<std::string_view, 5> kTrustedStatuses = {
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& values, std::string_view v) {
  for (std::string_view x : values)
    if (x == v) return true;
  return false;
}

Result<std::string> ChildText(const xmlNode* parent, std::string_view name) {
  ASSIGN_OR_RETURN(xmlNode * child, OneChild(parent, kTslNs, name));
  return Text(child);
}

// The first <Name> of a multilingual name element, "" when there is none.
std::string FirstName(const xmlNode* parent, std::string_view name) {
  auto outer = OptionalChild(parent, kTslNs, name);
  if (!outer.ok() || !*outer) return "";
  auto names = ChildrenNamed(*outer, kTslNs, "Name");
  return names.empty() ? "" : Text(names.front()).substr(0, 256);
}

// The enveloped XML-DSig over the whole list, by exactly `expected_signer`.
Status CheckSignature(xmlNode* root, X509* expected_signer) {
  auto fail = [](std::string why) { return InvalidArgument("the trusted list's signature " + why); };
  auto signature = OneChild(root, kDsigNs, "Signature");
  if (!signature.ok()) return fail("is missing or repeated: " + signature.status().message());
  ASSIGN_OR_RETURN(xmlNode * info, OneChild(*signature, kDsigNs, "SignedInfo"));
  ASSIGN_OR_RETURN(xmlNode * cm, OneChild(info, kDsigNs, "CanonicalizationMethod"));
  ASSIGN_OR_RETURN(C14n info_c14n, C14nFromUri(Attribute(cm, "Algorithm")));
  ASSIGN_OR_RETURN(xmlNode * sm, OneChild(info, kDsigNs, "SignatureMethod"));
  ASSIGN_OR_RETURN(SignatureMethod method, SignatureMethodForUri(Attribute(sm, "Algorithm")));
  auto refs = ChildrenNamed(info, kDsigNs, "Reference");
  if (refs.size() != 1) return fail("must have exactly one reference, to the whole list");
  std::string uri = Attribute(refs[0], "URI");
  std::string id = Attribute(root, "Id");
  if (!uri.empty() && !(uri.size() > 1 && uri[0] == '#' && uri.substr(1) == id))
    return fail("covers \"" + uri.substr(0, 100) + "\", not the whole list");
  if (!uri.empty()) {
    auto target = FindById(root, id);
    if (!target.ok() || *target != root) return fail("points to an Id that is not the list's alone");
  }
  ASSIGN_OR_RETURN(xmlNode * transforms, OneChild(refs[0], kDsigNs, "Transforms"));
  auto steps = Children(transforms);
  if (steps.empty() || steps.size() > 2 || Attribute(steps[0], "Algorithm") != kEnvelopedSignatureUri)
    return fail("is not an enveloped signature (its first transform must be enveloped-signature)");
  C14n c14n = C14n::k10;  // XML-DSig's conversion of the node set to octets
  if (steps.size() == 2) {
    ASSIGN_OR_RETURN(c14n, C14nFromUri(Attribute(steps[1], "Algorithm")));
  }
  ASSIGN_OR_RETURN(xmlNode * dm, OneChild(refs[0], kDsigNs, "DigestMethod"));
  ASSIGN_OR_RETURN(const EVP_MD* md, DigestForUri(Attribute(dm, "Algorithm")));
  ASSIGN_OR_RETURN(xmlNode * dv, OneChild(refs[0], kDsigNs, "DigestValue"));
  auto expected = Base64Content(Text(dv));
  if (!expected.ok()) return fail("has a digest that is not base64");

  // The signer: exactly the pinned certificate.
  ASSIGN_OR_RETURN(xmlNode * key_info, OneChild(*signature, kDsigNs, "KeyInfo"));
  ASSIGN_OR_RETURN(xmlNode * x509_data, OneChild(key_info, kDsigNs, "X509Data"));
  ASSIGN_OR_RETURN(xmlNode * cert_node, OneChild(x509_data, kDsigNs, "X509Certificate"));
  auto der = Base64Content(Text(cert_node));
  if (!der.ok() || *der != CertificateDer(expected_signer))
    return fail("is by another certificate than the trusted list signer's given");

  ASSIGN_OR_RETURN(std::string canonical, Canonicalize(root, c14n, *signature));
  ASSIGN_OR_RETURN(std::string digest, Hash(md, canonical));
  if (digest != *expected) return DataLoss("the trusted list has been changed since it was signed");
  ASSIGN_OR_RETURN(xmlNode * sv, OneChild(*signature, kDsigNs, "SignatureValue"));
  auto value = Base64Content(Text(sv));
  ASSIGN_OR_RETURN(std::string canonical_info, Canonicalize(info, info_c14n));
  EVP_PKEY* key = X509_get0_pubkey(expected_signer);
  if (!value.ok() || !key) return fail("value cannot be read");
  ASSIGN_OR_RETURN(bool good, VerifyValue(key, method, canonical_info, *value));
  if (!good) return DataLoss("the trusted list's signature value does not match its signer's key");
  return OkStatus();
}

std::optional<ServiceType> TypeOf(std::string_view uri) {
  for (ServiceType t : {ServiceType::kCa, ServiceType::kOcsp, ServiceType::kTsa})
    if (ServiceTypeUri(t) == uri) return t;
  return std::nullopt;
}

Status ReadServices(xmlNode* root, TrustedList& list) {
  auto providers = OptionalChild(root, kTslNs, "TrustServiceProviderList");
  if (!providers.ok()) return providers.status();
  if (!*providers) return OkStatus();
  for (xmlNode* provider : ChildrenNamed(*providers, kTslNs, "TrustServiceProvider")) {
    ASSIGN_OR_RETURN(xmlNode * services, OneChild(provider, kTslNs, "TSPServices"));
    for (xmlNode* service : ChildrenNamed(services, kTslNs, "TSPService")) {
      ASSIGN_OR_RETURN(xmlNode * info, OneChild(service, kTslNs, "ServiceInformation"));
      ASSIGN_OR_RETURN(std::string type_uri, ChildText(info, "ServiceTypeIdentifier"));
      ASSIGN_OR_RETURN(std::string status, ChildText(info, "ServiceStatus"));
      std::optional<ServiceType> type = TypeOf(type_uri);
      if (!type || !OneOf(kTrustedStatuses, status)) continue;
      ASSIGN_OR_RETURN(std::string since_text, ChildText(info, "StatusStartingTime"));
      std::optional<UnixMicros> since = ParseXsdDateTime(since_text);
      if (!since) return InvalidArgument("a service's StatusStartingTime is not a UTC time");
      ASSIGN_OR_RETURN(xmlNode * identity, OneChild(info, kTslNs, "ServiceDigitalIdentity"));
      for (xmlNode* id : ChildrenNamed(identity, kTslNs, "DigitalId")) {
        for (xmlNode* c : ChildrenNamed(id, kTslNs, "X509Certificate")) {
          if (list.services.size() >= kMaxTrustedServices)
            return InvalidArgument("the trusted list has more than " + std::to_string(kMaxTrustedServices) +
                                   " service certificates");
          auto der = Base64Content(Text(c));
          auto cert = der.ok() ? ParseCertificateDer(*der) : Result<UniquePtr<X509>>(der.status());
          if (!cert.ok()) return InvalidArgument("a service certificate of the trusted list cannot be read");
          trust::MarkListedAnchor(cert->get());
          X509_check_purpose(cert->get(), -1, 0);  // caches its extensions before threads share it
          list.services.push_back({*type, FirstName(info, "ServiceName"), std::move(*cert), *since});
        }
      }
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view ServiceTypeUri(ServiceType type) {
  switch (type) {
    case ServiceType::kCa:
      return "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";
    case ServiceType::kOcsp:
      return "http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP/QC";
    case ServiceType::kTsa:
      return "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST";
  }
  return "";
}

std::vector<X509*> TrustedList::Certificates(ServiceType type) const {
  std::vector<X509*> out;
  for (const TrustedService& s : services)
    if (s.type == type) out.push_back(s.certificate.get());
  return out;
}

Result<TrustedList> ReadTrustedList(std::string_view xml, X509* expected_signer, UnixMicros now) {
  if (!expected_signer) return InvalidArgument("a trusted list is read only with its signer's certificate");
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(xml, "the trusted list", kMaxTrustedListBytes));
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!Is(root, kTslNs, "TrustServiceStatusList"))
    return InvalidArgument("not a trusted list: its root is not <TrustServiceStatusList> of TS 119 612");
  RETURN_IF_ERROR(CheckSignature(root, expected_signer));

  TrustedList list;
  auto scheme = OneChild(root, kTslNs, "SchemeInformation");
  if (!scheme.ok()) return scheme.status().WithContext("the trusted list");
  ASSIGN_OR_RETURN(std::string type, ChildText(*scheme, "TSLType"));
  if (!OneOf(kGenericTypes, type))
    return InvalidArgument("the trusted list is of type \"" + type.substr(0, 100) +
                           "\"; a list of services (generic) is needed, not a list of lists");
  ASSIGN_OR_RETURN(list.sequence, ChildText(*scheme, "TSLSequenceNumber"));
  auto territory = OptionalChild(*scheme, kTslNs, "SchemeTerritory");
  if (territory.ok() && *territory) list.territory = Text(*territory).substr(0, 16);
  list.operator_name = FirstName(*scheme, "SchemeOperatorName");
  ASSIGN_OR_RETURN(std::string issued, ChildText(*scheme, "ListIssueDateTime"));
  ASSIGN_OR_RETURN(xmlNode * next, OneChild(*scheme, kTslNs, "NextUpdate"));
  ASSIGN_OR_RETURN(xmlNode * next_time, OneChild(next, kTslNs, "dateTime"));
  auto issued_at = ParseXsdDateTime(issued);
  auto next_at = ParseXsdDateTime(Text(next_time));
  if (!issued_at || !next_at) return InvalidArgument("the trusted list's issue or next-update time is not a UTC time");
  list.issued = *issued_at;
  list.next_update = *next_at;
  if (list.next_update < now)
    return InvalidArgument("the trusted list is stale: it should have been replaced by " +
                           FormatRfc3339(list.next_update));
  RETURN_IF_ERROR(ReadServices(root, list));
  return list;
}

}  // namespace riik::sign
