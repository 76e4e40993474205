// libxml2: safe parsing, navigation and canonicalisation (xml.h).
#include "sign/xml.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/encoding.h"

namespace riik::sign {
namespace {

struct ParserCtxtFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::string_view Str(const xmlChar* s) { return s ? std::string_view(reinterpret_cast<const char*>(s)) : ""; }

bool Inside(const xmlNode* node, const xmlNode* apex) {
  for (; node; node = node->parent)
    if (node == apex) return true;
  return false;
}

struct Subset {
  xmlNode* apex;
  bool comments;
  const xmlNode* excluded;  // may be null
};

bool InSubset(const Subset& subset, const xmlNode* node) {
  return Inside(node, subset.apex) && !(subset.excluded && Inside(node, subset.excluded));
}

int Visible(void* user, xmlNode* node, xmlNode* parent) {
  const auto* subset = static_cast<const Subset*>(user);
  if (node && node->type == XML_NAMESPACE_DECL) return InSubset(*subset, parent);
  if (!node) return 0;
  if (node->type == XML_COMMENT_NODE && !subset->comments) return 0;
  return InSubset(*subset, node);
}

void CollectById(xmlNode* node, std::string_view id, std::vector<xmlNode*>& found) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (Attribute(node, "Id") == id) found.push_back(node);
    CollectById(node->children, id, found);
  }
}

}  // namespace

Result<XmlDoc> ParseXml(std::string_view text, std::string_view what, size_t max_bytes) {
  InitLibxml();
  std::string name(what);
  if (text.size() > max_bytes)
    return ResourceExhausted(name + " is larger than " + std::to_string(max_bytes) + " bytes");
  // Only UTF-8 (no UTF-16, which would hide the markup below from this search), and a
  // document type declaration refused before libxml2 sees it.
  if (text.find('\0') != std::string_view::npos || text.substr(0, 2) == "\xfe\xff" || text.substr(0, 2) == "\xff\xfe")
    return InvalidArgument(name + " is not UTF-8");
  if (text.find("<!DOCTYPE") != std::string_view::npos || text.find("<!ENTITY") != std::string_view::npos)
    return InvalidArgument(name + " has a document type declaration; DTDs and entities are refused");
  std::unique_ptr<xmlParserCtxt, ParserCtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) return Internal("libxml2 cannot make a parser");
  // No entity substitution, no DTD loading, no network; errors come back, not on stderr.
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), nullptr, nullptr, options));
  if (!doc) {
    const xmlError* error = xmlCtxtGetLastError(ctxt.get());
    std::string why = error && error->message ? error->message : "not well-formed";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return InvalidArgument(name + " is not well-formed XML (line " + std::to_string(error ? error->line : 0) +
                           "): " + why);
  }
  if (doc->intSubset || doc->extSubset)
    return InvalidArgument(name + " has a document type declaration; DTDs and entities are refused");
  if (!xmlDocGetRootElement(doc.get())) return InvalidArgument(name + " has no root element");
  return doc;
}

Result<C14n> C14nFromUri(std::string_view uri) {
  if (uri == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315") return C14n::k10;
  if (uri == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments") return C14n::k10Comments;
  if (uri == "http://www.w3.org/2006/12/xml-c14n11") return C14n::k11;
  if (uri == "http://www.w3.org/2006/12/xml-c14n11#WithComments") return C14n::k11Comments;
  if (uri == "http://www.w3.org/2001/10/xml-exc-c14n#") return C14n::kExclusive;
  if (uri == "http://www.w3.org/2001/10/xml-exc-c14n#WithComments") return C14n::kExclusiveComments;
  return InvalidArgument("unknown canonicalisation method \"" + std::string(uri.substr(0, 100)) + "\"");
}

std::string_view C14nUri(C14n method) {
  switch (method) {
    case C14n::k10:
      return "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    case C14n::k10Comments:
      return "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    case C14n::k11:
      return "http://www.w3.org/2006/12/xml-c14n11";
    case C14n::k11Comments:
      return "http://www.w3.org/2006/12/xml-c14n11#WithComments";
    case C14n::kExclusive:
      return "http://www.w3.org/2001/10/xml-exc-c14n#";
    case C14n::kExclusiveComments:
      return "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
  }
  return "";
}

Result<std::string> Canonicalize(xmlNode* element, C14n method, const xmlNode* excluded) {
  if (!element || !element->doc) return Internal("nothing to canonicalise");
  int mode = XML_C14N_1_0;
  bool comments = false;
  switch (method) {
    case C14n::k10:
      break;
    case C14n::k10Comments:
      comments = true;
      break;
    case C14n::k11:
      mode = XML_C14N_1_1;
      break;
    case C14n::k11Comments:
      mode = XML_C14N_1_1, comments = true;
      break;
    case C14n::kExclusive:
      mode = XML_C14N_EXCLUSIVE_1_0;
      break;
    case C14n::kExclusiveComments:
      mode = XML_C14N_EXCLUSIVE_1_0, comments = true;
      break;
  }
  xmlOutputBuffer* out = xmlAllocOutputBuffer(nullptr);
  if (!out) return Internal("libxml2 cannot allocate an output buffer");
  Subset subset{element, comments, excluded};
  int rc = xmlC14NExecute(element->doc, Visible, &subset, mode, nullptr, comments ? 1 : 0, out);
  std::string result;
  if (rc >= 0)
    result.assign(reinterpret_cast<const char*>(xmlOutputBufferGetContent(out)), xmlOutputBufferGetSize(out));
  xmlOutputBufferClose(out);
  if (rc < 0) return InvalidArgument("the element <" + std::string(Str(element->name)) + "> cannot be canonicalised");
  return result;
}

bool Is(const xmlNode* node, std::string_view ns, std::string_view name) {
  return node && node->type == XML_ELEMENT_NODE && Str(node->name) == name && node->ns && Str(node->ns->href) == ns;
}

std::vector<xmlNode*> Children(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  return out;
}

std::vector<xmlNode*> ChildrenNamed(const xmlNode* parent, std::string_view ns, std::string_view name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c : Children(parent))
    if (Is(c, ns, name)) out.push_back(c);
  return out;
}

Result<xmlNode*> OptionalChild(const xmlNode* parent, std::string_view ns, std::string_view name) {
  auto found = ChildrenNamed(parent, ns, name);
  if (found.size() > 1)
    return InvalidArgument("<" + std::string(Str(parent->name)) + "> has " + std::to_string(found.size()) + " <" +
                           std::string(name) + ">");
  return found.empty() ? nullptr : found.front();
}

Result<xmlNode*> OneChild(const xmlNode* parent, std::string_view ns, std::string_view name) {
  ASSIGN_OR_RETURN(xmlNode * child, OptionalChild(parent, ns, name));
  if (!child) return InvalidArgument("<" + std::string(Str(parent->name)) + "> has no <" + std::string(name) + ">");
  return child;
}

std::string Text(const xmlNode* node) {
  std::string out;
  for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) out += Str(c->content);
  return out;
}

std::string Attribute(const xmlNode* node, std::string_view name) { return AttributeNs(node, "", name); }

std::string AttributeNs(const xmlNode* node, std::string_view ns, std::string_view name) {
  for (const xmlAttr* a = node ? node->properties : nullptr; a; a = a->next) {
    std::string_view attr_ns = a->ns ? Str(a->ns->href) : "";
    if (attr_ns == ns && Str(a->name) == name) {
      std::string out;
      for (const xmlNode* c = a->children; c; c = c->next) out += Str(c->content);
      return out;
    }
  }
  return "";
}

Result<xmlNode*> FindById(xmlNode* root, std::string_view id) {
  std::vector<xmlNode*> found;
  if (root) {
    if (Attribute(root, "Id") == id) found.push_back(root);
    CollectById(root->children, id, found);
  }
  if (found.empty()) return NotFound("no element has Id \"" + std::string(id.substr(0, 100)) + "\"");
  if (found.size() > 1)
    return InvalidArgument(std::to_string(found.size()) + " elements have Id \"" + std::string(id.substr(0, 100)) +
                           "\"");
  return found.front();
}

Result<std::string> Base64Content(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact += c;
  return Base64Decode(compact);
}

std::optional<UnixMicros> ParseXsdDateTime(std::string_view text) {
  if (text.size() < 20 || text.size() > 40 || text.back() != 'Z') return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  int year, month, day, hour, minute, second;
  if (std::sscanf(std::string(text).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) !=
      6)
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // After the seconds: "Z", or a fraction and "Z" (no other zone hides before the Z).
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty() &&
      (rest[0] != '.' || rest.size() < 2 || rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos))
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900, tm.tm_mon = month - 1, tm.tm_mday = day, tm.tm_hour = hour, tm.tm_min = minute,
  tm.tm_sec = second;
  return static_cast<UnixMicros>(timegm(&tm)) * 1'000'000;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace riik::sign
