// Writing the state's trusted list: the TS 119 612 elements in the schema's order, then an
// enveloped XML-DSig over the whole list. The signature goes last, so the list as written
// before it is exactly what the enveloped-signature transform gives back to a verifier.
#include <libxml/tree.h>

#include "core/encoding.h"
#include "crypto/x509.h"
#include "sign/algorithms.h"
#include "sign/signature_xml.h"
#include "sign/trusted_list.h"
#include "sign/xml.h"
#include "trust/ca.h"
#include "trust/ocsp_client.h"

namespace riik::sign {
namespace {

constexpr std::string_view kTslType = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric";
constexpr std::string_view kStatusGranted = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
constexpr std::string_view kListId = "TrustServiceStatusList";

std::string TslElement(std::string_view name, std::string_view text, std::string_view attributes = "") {
  return "<" + std::string(name) + std::string(attributes) + ">" + XmlEscape(text) + "</" + std::string(name) + ">";
}

std::string TslNames(std::string_view outer, std::string_view name) {
  return "<" + std::string(outer) + ">" + TslElement("Name", name, " xml:lang=\"en\"") + "</" + std::string(outer) +
         ">";
}

std::string TslUris(std::string_view outer, std::string_view uri) {
  return "<" + std::string(outer) + ">" + TslElement("URI", uri, " xml:lang=\"en\"") + "</" + std::string(outer) + ">";
}

std::string TslAddress(const TrustedListSpec& spec) {
  return "<PostalAddresses><PostalAddress xml:lang=\"en\">" + TslElement("StreetAddress", spec.operator_name) +
         TslElement("Locality", spec.territory) + TslElement("CountryName", spec.territory) +
         "</PostalAddress></PostalAddresses>" + TslUris("ElectronicAddress", spec.information_uri);
}

std::string TslTime(UnixMicros t) {
  std::string text = FormatRfc3339(t);  // 2026-12-03T08:15:00.123456Z: whole seconds only
  return text.substr(0, 19) + "Z";
}

std::string TslSchemeInformation(const TrustedListSpec& spec) {
  return "<SchemeInformation>" + TslElement("TSLVersionIdentifier", "5") +
         TslElement("TSLSequenceNumber", spec.sequence) + TslElement("TSLType", kTslType) +
         TslNames("SchemeOperatorName", spec.operator_name) + "<SchemeOperatorAddress>" + TslAddress(spec) +
         "</SchemeOperatorAddress>" +
         TslNames("SchemeName", spec.territory + ":Trusted list of the state's trust services") +
         TslUris("SchemeInformationURI", spec.information_uri) +
         TslElement("StatusDeterminationApproach", "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate") +
         TslUris("SchemeTypeCommunityRules", "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon") +
         TslElement("SchemeTerritory", spec.territory) + "<PolicyOrLegalNotice>" +
         TslElement("TSLLegalNotice", "The trust services of " + spec.operator_name + ".", " xml:lang=\"en\"") +
         "</PolicyOrLegalNotice>" + TslElement("HistoricalInformationPeriod", "65535") +
         TslElement("ListIssueDateTime", TslTime(spec.issued)) + "<NextUpdate>" +
         TslElement("dateTime", TslTime(spec.next_update)) + "</NextUpdate>" + "<DistributionPoints>" +
         TslElement("URI", spec.distribution_uri) + "</DistributionPoints></SchemeInformation>";
}

std::string TslService(const TrustedListSpec::Service& s) {
  return "<TSPService><ServiceInformation>" + TslElement("ServiceTypeIdentifier", ServiceTypeUri(s.type)) +
         TslNames("ServiceName", s.name) + "<ServiceDigitalIdentity><DigitalId>" +
         TslElement("X509Certificate", Base64Encode(CertificateDer(s.certificate))) +
         "</DigitalId></ServiceDigitalIdentity>" + TslElement("ServiceStatus", kStatusGranted) +
         TslElement("StatusStartingTime", TslTime(s.status_since)) + "</ServiceInformation></TSPService>";
}

std::string TslProviderList(const TrustedListSpec& spec) {
  std::string x = "<TrustServiceProviderList><TrustServiceProvider><TSPInformation>" +
                  TslNames("TSPName", spec.provider_name) + "<TSPAddress>" + TslAddress(spec) + "</TSPAddress>" +
                  TslUris("TSPInformationURI", spec.information_uri) + "</TSPInformation><TSPServices>";
  for (const auto& s : spec.services) x += TslService(s);
  return x + "</TSPServices></TrustServiceProvider></TrustServiceProviderList>";
}

// A subject name field as text ("" when absent): the services' names.
std::string TslNameField(X509* cert, int nid) {
  char buf[256] = {};
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

Result<std::string> WriteTrustedList(const TrustedListSpec& spec, EVP_PKEY* key, X509* signer) {
  if (spec.services.empty()) return InvalidArgument("a trusted list needs at least one service");
  if (spec.next_update <= spec.issued) return InvalidArgument("a trusted list's next update must follow its issue");
  for (const auto& s : spec.services)
    if (!s.certificate) return InvalidArgument("the service \"" + s.name + "\" has no certificate");
  std::string open = "<TrustServiceStatusList xmlns=\"" + std::string(kTslNs) + "\" xmlns:ds=\"" +
                     std::string(kDsigNs) + "\" Id=\"" + std::string(kListId) +
                     "\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">";
  std::string body = TslSchemeInformation(spec) + TslProviderList(spec);
  std::string unsigned_list = open + body + "</TrustServiceStatusList>";

  // The digest is over the list as the verifier will see it without the signature:
  // parsed and canonicalised, so that namespaces and attributes come out as C14N orders them.
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(unsigned_list, "the trusted list", kMaxTrustedListBytes));
  ASSIGN_OR_RETURN(std::string canonical, Canonicalize(xmlDocGetRootElement(doc.get()), C14n::kExclusive));
  ASSIGN_OR_RETURN(SignatureMethod method, SignatureMethodFor(key));
  ASSIGN_OR_RETURN(std::string digest, Hash(EVP_sha256(), canonical));
  std::string exclusive(C14nUri(C14n::kExclusive));
  std::string signed_info = "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" + exclusive +
                            "\"/><ds:SignatureMethod Algorithm=\"" + SignatureMethodUri(method) +
                            "\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"" +
                            std::string(kEnvelopedSignatureUri) + "\"/><ds:Transform Algorithm=\"" + exclusive +
                            "\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" + std::string(kSha256Uri) + "\"/>" +
                            TslElement("ds:DigestValue", Base64Encode(digest)) + "</ds:Reference></ds:SignedInfo>";
  // SignedInfo is signed in its canonical form, inside the list (its namespaces in scope).
  std::string with_info =
      open + body + "<ds:Signature Id=\"TSL-Signature\">" + signed_info + "</ds:Signature></TrustServiceStatusList>";
  ASSIGN_OR_RETURN(XmlDoc info_doc, ParseXml(with_info, "the trusted list", kMaxTrustedListBytes));
  xmlNode* root = xmlDocGetRootElement(info_doc.get());
  ASSIGN_OR_RETURN(xmlNode * signature, OneChild(root, kDsigNs, "Signature"));
  ASSIGN_OR_RETURN(xmlNode * info_node, OneChild(signature, kDsigNs, "SignedInfo"));
  ASSIGN_OR_RETURN(std::string canonical_info, Canonicalize(info_node, C14n::kExclusive));
  ASSIGN_OR_RETURN(std::string value, SignValue(key, method, canonical_info));
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + open + body + "<ds:Signature Id=\"TSL-Signature\">" +
         signed_info + TslElement("ds:SignatureValue", Base64Encode(value)) + "<ds:KeyInfo><ds:X509Data>" +
         TslElement("ds:X509Certificate", Base64Encode(CertificateDer(signer))) +
         "</ds:X509Data></ds:KeyInfo></ds:Signature></TrustServiceStatusList>\n";
}

Result<std::string> StateTrustedList(trust::CertificateAuthority& ca, std::string_view url, UnixMicros now) {
  ASSIGN_OR_RETURN(trust::CertificateAuthority::Signer signer, ca.ServiceSigner(trust::Profile::kTrustedList));
  ASSIGN_OR_RETURN(std::vector<trust::CertificateRecord> records, ca.List());
  std::vector<UniquePtr<X509>> held;
  sign::TrustedListSpec spec;
  spec.operator_name = spec.provider_name = TslNameField(ca.root_certificate(), NID_organizationName);
  spec.information_uri = std::string(url) + "/ca/root.crt";
  spec.distribution_uri = std::string(url) + "/tsl.xml";
  spec.issued = now;
  spec.sequence = std::to_string(now / 1'000'000);                 // increases with every list issued
  spec.next_update = spec.issued + int64_t{180} * 86'400'000'000;  // at most six months (TS 119 612)
  X509* eid = ca.eid_certificate();
  spec.services.push_back({sign::ServiceType::kCa, TslNameField(eid, NID_commonName), eid,
                           trust::Asn1TimeMicros(X509_get0_notBefore(eid))});
  for (const trust::CertificateRecord& r : records) {
    bool responder = r.profile == "ocsp" && r.ca == "eid";
    if (r.status != "good" || !(responder || r.profile == "tsa")) continue;
    ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificatePem(r.pem));
    spec.services.push_back({responder ? sign::ServiceType::kOcsp : sign::ServiceType::kTsa,
                             TslNameField(cert.get(), NID_commonName), cert.get(), r.not_before});
    held.push_back(std::move(cert));
  }
  return sign::WriteTrustedList(spec, signer.key.get(), signer.cert.get());
}

}  // namespace riik::sign
