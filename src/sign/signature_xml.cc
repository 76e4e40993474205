// Rendering a signature file from its parts (signature_xml.h). Compact XML, no
// indentation: what is signed is canonicalised, and whitespace would only add nodes.
#include "sign/signature_xml.h"

#include "core/encoding.h"
#include "sign/xml.h"

namespace riik::sign {
namespace {

std::string Element(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + XmlEscape(text) + "</" + std::string(name) + ">";
}

std::string DigestElements(std::string_view uri, std::string_view b64) {
  return "<ds:DigestMethod Algorithm=\"" + XmlEscape(uri) + "\"/>" + Element("ds:DigestValue", b64);
}

std::string SignedInfo(const SignatureParts& p) {
  std::string x = "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" + XmlEscape(p.c14n_uri) +
                  "\"/><ds:SignatureMethod Algorithm=\"" + XmlEscape(p.signature_method_uri) + "\"/>";
  for (size_t i = 0; i < p.files.size(); ++i) {
    const SignedFileRef& f = p.files[i];
    x += "<ds:Reference Id=\"" + FileReferenceId(p, i) + "\" URI=\"" + XmlEscape(FileNameToUri(f.name)) + "\">" +
         DigestElements(f.digest_uri, f.digest_b64) + "</ds:Reference>";
  }
  x += "<ds:Reference Id=\"" + p.id + "-RefId" + std::to_string(p.files.size()) + "\" Type=\"" +
       std::string(kSignedPropertiesType) + "\" URI=\"#" + SignedPropertiesId(p) +
       "\"><ds:Transforms><ds:Transform Algorithm=\"" + XmlEscape(p.c14n_uri) + "\"/></ds:Transforms>" +
       DigestElements(p.signed_properties_digest_uri, p.signed_properties_digest_b64) + "</ds:Reference>";
  return x + "</ds:SignedInfo>";
}

std::string SignedProperties(const SignatureParts& p) {
  std::string x = "<xades:SignedProperties Id=\"" + SignedPropertiesId(p) + "\"><xades:SignedSignatureProperties>" +
                  Element("xades:SigningTime", p.signing_time) +
                  "<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>" +
                  DigestElements(p.certificate_digest_uri, p.certificate_digest_b64) +
                  "</xades:CertDigest></xades:Cert></xades:SigningCertificateV2>";
  if (!p.place.empty()) {
    x += "<xades:SignatureProductionPlaceV2>";
    if (!p.place.city.empty()) x += Element("xades:City", p.place.city);
    if (!p.place.state.empty()) x += Element("xades:StateOrProvince", p.place.state);
    if (!p.place.postal_code.empty()) x += Element("xades:PostalCode", p.place.postal_code);
    if (!p.place.country.empty()) x += Element("xades:CountryName", p.place.country);
    x += "</xades:SignatureProductionPlaceV2>";
  }
  if (!p.roles.empty()) {
    x += "<xades:SignerRoleV2><xades:ClaimedRoles>";
    for (const std::string& role : p.roles) x += Element("xades:ClaimedRole", role);
    x += "</xades:ClaimedRoles></xades:SignerRoleV2>";
  }
  x += "</xades:SignedSignatureProperties><xades:SignedDataObjectProperties>";
  for (size_t i = 0; i < p.files.size(); ++i) {
    x += "<xades:DataObjectFormat ObjectReference=\"#" + FileReferenceId(p, i) + "\">" +
         Element("xades:MimeType", p.files[i].media_type) + "</xades:DataObjectFormat>";
  }
  return x + "</xades:SignedDataObjectProperties></xades:SignedProperties>";
}

std::string UnsignedProperties(const SignatureParts& p) {
  if (p.timestamp_token_b64.empty()) return "";
  std::string x = "<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp Id=\"" +
                  p.id + "-T0\"><ds:CanonicalizationMethod Algorithm=\"" + XmlEscape(p.c14n_uri) + "\"/>" +
                  Element("xades:EncapsulatedTimeStamp", p.timestamp_token_b64) + "</xades:SignatureTimeStamp>";
  if (!p.certificate_values_der.empty()) {
    x += "<xades:CertificateValues>";
    for (size_t i = 0; i < p.certificate_values_der.size(); ++i) {
      x += "<xades:EncapsulatedX509Certificate Id=\"" + p.id + "-CERT" + std::to_string(i) + "\">" +
           Base64Encode(p.certificate_values_der[i]) + "</xades:EncapsulatedX509Certificate>";
    }
    x += "</xades:CertificateValues>";
  }
  if (!p.ocsp_values_der.empty()) {
    x += "<xades:RevocationValues><xades:OCSPValues>";
    for (size_t i = 0; i < p.ocsp_values_der.size(); ++i) {
      x += "<xades:EncapsulatedOCSPValue Id=\"" + p.id + "-N" + std::to_string(i) + "\">" +
           Base64Encode(p.ocsp_values_der[i]) + "</xades:EncapsulatedOCSPValue>";
    }
    x += "</xades:OCSPValues></xades:RevocationValues>";
  }
  return x + "</xades:UnsignedSignatureProperties></xades:UnsignedProperties>";
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '/';
}

}  // namespace

std::string SignedPropertiesId(const SignatureParts& parts) { return parts.id + "-SignedProperties"; }
std::string SignatureValueId(const SignatureParts& parts) { return parts.id + "-SIG"; }
std::string FileReferenceId(const SignatureParts& parts, size_t index) {
  return parts.id + "-RefId" + std::to_string(index);
}

std::string RenderSignatureXml(const SignatureParts& p) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<asic:XAdESSignatures xmlns:asic=\"" +
                  std::string(kAsicNs) + "\" xmlns:ds=\"" + std::string(kDsigNs) + "\" xmlns:xades=\"" +
                  std::string(kXadesNs) + "\"";
  x += "><ds:Signature Id=\"" + p.id + "\">" + SignedInfo(p);
  x += "<ds:SignatureValue Id=\"" + SignatureValueId(p) + "\">" + p.signature_value_b64 + "</ds:SignatureValue>";
  x += "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + Base64Encode(p.signer_certificate_der) +
       "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>";
  x += "<ds:Object><xades:QualifyingProperties Target=\"#" + p.id + "\">" + SignedProperties(p) +
       UnsignedProperties(p) + "</xades:QualifyingProperties></ds:Object>";
  return x + "</ds:Signature></asic:XAdESSignatures>\n";
}

std::string FileNameToUri(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (Unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> UriToFileName(std::string_view uri) {
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      out += uri[i];
      continue;
    }
    if (i + 2 >= uri.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(uri[i + 1]), lo = hex(uri[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace riik::sign
