// The text of one META-INF/signaturesN.xml: an asic:XAdESSignatures holding one
// ds:Signature with its XAdES qualifying properties, in the shape of BDOC 2.1's
// time-stamp profile (XAdES-BASELINE-LT). The signer renders it in stages (signed
// properties, then the signature value, then the timestamp and the validation data),
// parsing each stage to canonicalise exactly what a verifier will: every stage leaves the
// bytes of what came before unchanged. Archive timestamps (LTA) are added to a finished
// signature's text (archive_timestamp.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace riik::sign {

inline constexpr std::string_view kAsicNs = "http://uri.etsi.org/02918/v1.2.1#";
inline constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view kXadesNs = "http://uri.etsi.org/01903/v1.3.2#";
inline constexpr std::string_view kXades141Ns = "http://uri.etsi.org/01903/v1.4.1#";
inline constexpr std::string_view kSignedPropertiesType = "http://uri.etsi.org/01903#SignedProperties";

struct SignedFileRef {
  std::string name;        // the data file
  std::string media_type;  // as in the manifest
  std::string digest_uri;
  std::string digest_b64;
};

struct ProductionPlace {
  std::string city, state, postal_code, country;
  bool empty() const { return city.empty() && state.empty() && postal_code.empty() && country.empty(); }
};

struct SignatureParts {
  std::string id;  // "S0", "S1", …: the Id of ds:Signature, the prefix of every other Id
  std::string c14n_uri;
  std::string signature_method_uri;
  std::vector<SignedFileRef> files;
  std::string signed_properties_digest_uri;
  std::string signed_properties_digest_b64;  // empty while the signed properties are made
  std::string signing_time;                  // xsd:dateTime, UTC, "…Z"
  std::string signer_certificate_der;
  std::string certificate_digest_uri;
  std::string certificate_digest_b64;
  ProductionPlace place;
  std::vector<std::string> roles;
  std::string signature_value_b64;                  // empty until signed
  std::string timestamp_token_b64;                  // empty until timestamped
  std::vector<std::string> certificate_values_der;  // the CA and TSA chains, with the signing CA
  std::vector<std::string> ocsp_values_der;         // the OCSP response for the signer
};

// The Ids a signature's parts carry, derived from `parts.id`.
std::string SignedPropertiesId(const SignatureParts& parts);
std::string SignatureValueId(const SignatureParts& parts);
std::string FileReferenceId(const SignatureParts& parts, size_t index);

// The whole document, as far as `parts` is filled in.
std::string RenderSignatureXml(const SignatureParts& parts);

// A file name as a Reference URI: percent-encoded as RFC 3986 requires for a relative
// path (unreserved characters and "/" kept), and back. UriToFileName fails on a bad "%".
std::string FileNameToUri(std::string_view name);
std::optional<std::string> UriToFileName(std::string_view uri);

}  // namespace riik::sign
