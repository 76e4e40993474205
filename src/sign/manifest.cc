// Writing and reading the ODF manifest of an ASiC-E container.
#include "sign/manifest.h"

#include <set>

#include "sign/xml.h"

namespace riik::sign {

std::string ManifestXml(const std::vector<ManifestEntry>& files) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n"
      "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
      "manifest:version=\"1.2\">\n"
      " <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" +
      std::string(kAsicMediaType) + "\"/>\n";
  for (const ManifestEntry& f : files) {
    xml += " <manifest:file-entry manifest:full-path=\"" + XmlEscape(f.path) + "\" manifest:media-type=\"" +
           XmlEscape(f.media_type) + "\"/>\n";
  }
  xml += "</manifest:manifest>\n";
  return xml;
}

Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text) {
  ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(text, "the manifest", kMaxManifestBytes));
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!Is(root, kManifestNs, "manifest")) return InvalidArgument("the manifest's root is not <manifest:manifest>");
  std::vector<ManifestEntry> files;
  std::set<std::string> seen;
  bool has_root = false;
  for (xmlNode* entry : Children(root)) {
    if (!Is(entry, kManifestNs, "file-entry")) continue;
    std::string path = AttributeNs(entry, kManifestNs, "full-path");
    std::string media_type = AttributeNs(entry, kManifestNs, "media-type");
    if (path.empty()) return InvalidArgument("the manifest has an entry without a full-path");
    if (!seen.insert(path).second) return InvalidArgument("the manifest lists \"" + path + "\" twice");
    if (path == "/") {
      if (media_type != kAsicMediaType)
        return InvalidArgument("the manifest gives the container the media type \"" + media_type + "\", not " +
                               std::string(kAsicMediaType));
      has_root = true;
      continue;
    }
    if (media_type.empty()) return InvalidArgument("the manifest gives \"" + path + "\" no media type");
    files.push_back(ManifestEntry{std::move(path), std::move(media_type)});
  }
  if (!has_root) return InvalidArgument("the manifest has no entry for the container itself (\"/\")");
  return files;
}

}  // namespace riik::sign
