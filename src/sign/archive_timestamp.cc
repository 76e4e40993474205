// The input of an archive timestamp, and adding one to a signature (archive_timestamp.h).
#include "sign/archive_timestamp.h"

#include <algorithm>
#include <optional>

#include "core/encoding.h"
#include "sign/signature_xml.h"
#include "sign/xml.h"
#include "trust/chain_checks.h"

namespace riik::sign {
namespace {

// The data a Reference points at, after its transforms.
Result<std::string> ReferencedData(xmlNode* signature, xmlNode* reference, const Container& container) {
  std::string uri = Attribute(reference, "URI");
  if (!uri.empty() && uri[0] == '#') {
    ASSIGN_OR_RETURN(xmlNode * target, FindById(signature, uri.substr(1)));
    C14n method = C14n::k10;
    ASSIGN_OR_RETURN(xmlNode * transforms, OptionalChild(reference, kDsigNs, "Transforms"));
    if (transforms) {
      auto list = Children(transforms);
      if (list.size() != 1) return InvalidArgument("a reference has more than one transform");
      ASSIGN_OR_RETURN(method, C14nFromUri(Attribute(list[0], "Algorithm")));
    }
    return Canonicalize(target, method);
  }
  auto name = UriToFileName(uri);
  const DataFile* file = name ? container.Find(*name) : nullptr;
  if (!file) return InvalidArgument("a reference names \"" + uri + "\", which is not in the container");
  return file->content;
}

}  // namespace

Result<std::string> ArchiveTimestampImprint(xmlNode* signature, const Container& container, C14n method,
                                            const xmlNode* stop_at, const EVP_MD* md) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return Internal("setting up a digest failed");
  auto update = [&](std::string_view data) { EVP_DigestUpdate(ctx.get(), data.data(), data.size()); };
  ASSIGN_OR_RETURN(xmlNode * signed_info, OneChild(signature, kDsigNs, "SignedInfo"));
  for (xmlNode* reference : ChildrenNamed(signed_info, kDsigNs, "Reference")) {
    ASSIGN_OR_RETURN(std::string data, ReferencedData(signature, reference, container));
    update(data);
  }
  for (const char* part : {"SignedInfo", "SignatureValue", "KeyInfo"}) {
    ASSIGN_OR_RETURN(xmlNode * element, OneChild(signature, kDsigNs, part));
    ASSIGN_OR_RETURN(std::string canonical, Canonicalize(element, method));
    update(canonical);
  }
  xmlNode* usp = nullptr;
  for (xmlNode* object : ChildrenNamed(signature, kDsigNs, "Object"))
    for (xmlNode* qp : ChildrenNamed(object, kXadesNs, "QualifyingProperties")) {
      ASSIGN_OR_RETURN(xmlNode * up, OneChild(qp, kXadesNs, "UnsignedProperties"));
      ASSIGN_OR_RETURN(usp, OneChild(up, kXadesNs, "UnsignedSignatureProperties"));
    }
  if (!usp) return InvalidArgument("the signature has no unsigned properties to archive");
  for (xmlNode* child : Children(usp)) {
    if (child == stop_at) break;
    ASSIGN_OR_RETURN(std::string canonical, Canonicalize(child, method));
    update(canonical);
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &n) != 1) return Internal("a digest failed");
  return std::string(reinterpret_cast<char*>(out), n);
}

Status ExtendSignature(Container& container, std::string_view name, const trust::TimestampFn& timestamp,
                       X509* trust_root) {
  auto it = std::find_if(container.signatures.begin(), container.signatures.end(),
                         [&](const SignatureFile& s) { return s.name == name; });
  if (it == container.signatures.end()) return NotFound("the container has no signature " + std::string(name));
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(it->xml, it->name));
  ASSIGN_OR_RETURN(xmlNode * signature, OneChild(xmlDocGetRootElement(doc.get()), kDsigNs, "Signature"));
  // The element goes last in UnsignedSignatureProperties, found in the tree, written with
  // the prefixes the document itself uses (DigiDoc's and riik's are ds: and xades:).
  xmlNode* usp = nullptr;
  for (xmlNode* object : ChildrenNamed(signature, kDsigNs, "Object"))
    for (xmlNode* qp : ChildrenNamed(object, kXadesNs, "QualifyingProperties")) {
      auto up = OptionalChild(qp, kXadesNs, "UnsignedProperties");
      if (up.ok() && *up) {
        auto found = OptionalChild(*up, kXadesNs, "UnsignedSignatureProperties");
        if (found.ok()) usp = *found;
      }
    }
  if (!usp || ChildrenNamed(usp, kXadesNs, "SignatureTimeStamp").empty())
    return FailedPrecondition(it->name + " has no signature timestamp: only a timestamped (LT) signature is extended");
  auto prefix = [&](std::string_view ns) -> std::optional<std::string> {
    xmlNs* found = xmlSearchNsByHref(doc.get(), usp, reinterpret_cast<const xmlChar*>(std::string(ns).c_str()));
    if (!found) return std::nullopt;
    return found->prefix ? std::string(reinterpret_cast<const char*>(found->prefix)) + ":" : std::string();
  };
  std::optional<std::string> xades = prefix(kXadesNs), ds = prefix(kDsigNs);
  if (!xades || !ds) return FailedPrecondition(it->name + " does not declare the XAdES and XML-DSig namespaces");
  std::string close = "</" + *xades + "UnsignedSignatureProperties>";
  size_t at = it->xml.rfind(close);
  if (at == std::string::npos || it->xml.find(close) != at)
    return FailedPrecondition(it->name + " cannot be extended: its unsigned properties are not found once in its text");
  ASSIGN_OR_RETURN(std::string imprint,
                   ArchiveTimestampImprint(signature, container, C14n::k11, nullptr, EVP_sha256()));
  auto token = timestamp(imprint);
  if (!token.ok())
    return Unavailable("the timestamping authority did not timestamp the archive: " + token.status().message());
  RETURN_IF_ERROR(
      trust::VerifyTimestampToken(*token, trust::MessageImprint{EVP_sha256(), imprint}, trust_root, {}).status());
  // The first free Id of the form S0-A<n> (another tool may have named its own that way).
  size_t n = ChildrenNamed(usp, kXades141Ns, "ArchiveTimeStamp").size();
  std::string id = Attribute(signature, "Id") + "-A" + std::to_string(n);
  while (FindById(xmlDocGetRootElement(doc.get()), id).status().code() != Code::kNotFound)
    id = Attribute(signature, "Id") + "-A" + std::to_string(++n);
  // The namespace is declared on the element itself: declared on the root it would change
  // the canonical form of everything signed and timestamped before.
  std::string element = "<xades141:ArchiveTimeStamp xmlns:xades141=\"" + std::string(kXades141Ns) + "\" Id=\"" + id +
                        "\"><" + *ds + "CanonicalizationMethod Algorithm=\"" + std::string(C14nUri(C14n::k11)) +
                        "\"/><" + *xades + "EncapsulatedTimeStamp>" + Base64Encode(*token) + "</" + *xades +
                        "EncapsulatedTimeStamp></xades141:ArchiveTimeStamp>";
  it->xml.insert(at, element);
  return OkStatus();
}

}  // namespace riik::sign
