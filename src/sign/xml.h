// XML for signatures, through libxml2: parsing untrusted documents safely (no DTD, so no
// entities of any kind; no network; a size limit and libxml2's depth limit), finding
// elements by namespace and name, and the canonical forms XML-DSig signs (C14N 1.0 and
// 1.1, inclusive or exclusive) of one element with its subtree, in its document.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace riik::sign {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

inline constexpr size_t kMaxXmlBytes = 4u << 20;

// Parses `text` (called `what` in messages). InvalidArgument says why: not well-formed
// (with libxml2's line and message), a DTD or entity declaration, too large.
Result<XmlDoc> ParseXml(std::string_view text, std::string_view what, size_t max_bytes = kMaxXmlBytes);

// The canonicalisation algorithms of XML-DSig, by URI.
enum class C14n { k10, k10Comments, k11, k11Comments, kExclusive, kExclusiveComments };
Result<C14n> C14nFromUri(std::string_view uri);  // InvalidArgument names an unknown one
std::string_view C14nUri(C14n method);

// `element` and everything below it, canonicalised as a document subset of its document
// (in-scope namespaces from its ancestors are rendered on it, as XML-DSig requires),
// leaving out `excluded` and its subtree when given (the enveloped-signature transform).
Result<std::string> Canonicalize(xmlNode* element, C14n method, const xmlNode* excluded = nullptr);

// Navigation. Namespaces are compared by URI, names by local name.
bool Is(const xmlNode* node, std::string_view ns, std::string_view name);
std::vector<xmlNode*> Children(const xmlNode* parent);  // element children only
// The element children of `parent` named ns:name.
std::vector<xmlNode*> ChildrenNamed(const xmlNode* parent, std::string_view ns, std::string_view name);
// Exactly one child ns:name, else InvalidArgument ("… has no <name>" / "… has 2 <name>").
Result<xmlNode*> OneChild(const xmlNode* parent, std::string_view ns, std::string_view name);
// At most one: nullptr when absent; InvalidArgument when several.
Result<xmlNode*> OptionalChild(const xmlNode* parent, std::string_view ns, std::string_view name);
// The text content of an element (its text children joined).
std::string Text(const xmlNode* node);
// An attribute without a namespace, or "" when absent.
std::string Attribute(const xmlNode* node, std::string_view name);
// An attribute in namespace `ns`, or "" when absent.
std::string AttributeNs(const xmlNode* node, std::string_view ns, std::string_view name);
// The one element under `root` (itself included) whose attribute "Id" is `id`: NotFound
// when there is none, InvalidArgument when there are several (a wrapping attack).
Result<xmlNode*> FindById(xmlNode* root, std::string_view id);

// The bytes of base64 element content, which may be broken into lines (XML-DSig's
// base64Binary); InvalidArgument if it is not base64.
Result<std::string> Base64Content(std::string_view text);

// An xsd:dateTime in UTC ("2026-12-03T08:15:00Z", a fraction allowed and dropped);
// nullopt for anything else (another zone, no zone).
std::optional<UnixMicros> ParseXsdDateTime(std::string_view text);

// Escapes text for element content and attribute values (&, <, >, ", \r).
std::string XmlEscape(std::string_view text);

}  // namespace riik::sign
