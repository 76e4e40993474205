// Reading and writing the ASiC-E structure: mimetype, manifest, data files, signatures.
#include "sign/container.h"

#include <algorithm>
#include <map>
#include <set>

#include "sign/manifest.h"

namespace riik::sign {
namespace {

constexpr std::string_view kMimetypeName = "mimetype";
constexpr std::string_view kManifestName = "META-INF/manifest.xml";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsSignatureName(std::string_view name) {
  if (!StartsWith(name, "META-INF/")) return false;
  std::string_view file = name.substr(9);
  return file.find('/') == std::string_view::npos && file.find("signatures") != std::string_view::npos &&
         file.size() > 4 && file.substr(file.size() - 4) == ".xml";
}

}  // namespace

const DataFile* Container::Find(std::string_view name) const {
  for (const DataFile& f : files)
    if (f.name == name) return &f;
  return nullptr;
}

Result<Container> ReadContainer(std::string_view bytes, const ZipLimits& limits) {
  ASSIGN_OR_RETURN(FirstEntry first, ReadFirstLocalHeader(bytes));
  if (first.name != kMimetypeName)
    return InvalidArgument("the first entry of the container is \"" + first.name.substr(0, 80) +
                           "\"; an ASiC-E container begins with \"mimetype\"");
  if (!first.stored) return InvalidArgument("the container's mimetype entry is compressed; it must be stored");
  if (first.has_extra_field) return InvalidArgument("the container's mimetype entry has an extra field");
  if (first.stored_content != kAsicMediaType)
    return InvalidArgument("the container's mimetype is \"" + first.stored_content.substr(0, 80) + "\", not " +
                           std::string(kAsicMediaType));
  ASSIGN_OR_RETURN(std::vector<ZipEntry> entries, ReadZip(bytes, limits));
  // The directory's first entry must be that same stored mimetype, not another one.
  if (entries.empty() || entries.front().name != kMimetypeName || !entries.front().stored ||
      entries.front().content != kAsicMediaType)
    return InvalidArgument("the container's directory does not list the stored \"mimetype\" first");

  Container container;
  const ZipEntry* manifest = nullptr;
  std::map<std::string, ZipEntry*> data;
  for (size_t i = 1; i < entries.size(); ++i) {
    ZipEntry& e = entries[i];
    if (e.name == kMimetypeName) return InvalidArgument("the container has two mimetype entries");
    if (e.name == kManifestName) {
      manifest = &e;
    } else if (IsSignatureName(e.name)) {
      container.signatures.push_back(SignatureFile{e.name, std::move(e.content)});
    } else if (StartsWith(e.name, "META-INF/")) {
      container.unsigned_metadata.push_back(e.name);  // neither data nor signed
    } else {
      data.emplace(e.name, &e);
    }
  }
  if (!manifest) return InvalidArgument("the container has no META-INF/manifest.xml");
  ASSIGN_OR_RETURN(std::vector<ManifestEntry> listed, ParseManifest(manifest->content));
  for (ManifestEntry& m : listed) {
    auto it = data.find(m.path);
    if (it == data.end())
      return InvalidArgument("the manifest lists \"" + m.path + "\", which is not in the container");
    container.files.push_back(DataFile{m.path, std::move(m.media_type), std::move(it->second->content)});
    data.erase(it);
  }
  if (!data.empty())
    return InvalidArgument("the container holds \"" + data.begin()->first + "\", which the manifest does not list");
  if (container.files.empty()) return InvalidArgument("the container has no data files");
  std::sort(container.signatures.begin(), container.signatures.end(),
            [](const SignatureFile& a, const SignatureFile& b) { return a.name < b.name; });
  return container;
}

Result<std::string> WriteContainer(const Container& container) {
  if (container.files.empty()) return InvalidArgument("a container needs at least one data file");
  std::vector<ZipEntry> entries;
  entries.push_back(ZipEntry{std::string(kMimetypeName), std::string(kAsicMediaType), true});
  std::vector<ManifestEntry> listed;
  std::set<std::string> names;
  for (const DataFile& f : container.files) {
    RETURN_IF_ERROR(CheckEntryName(f.name));
    if (f.name == kMimetypeName || StartsWith(f.name, "META-INF/") || f.name.back() == '/')
      return InvalidArgument("\"" + f.name + "\" cannot be a data file's name");
    std::string lower = f.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!names.insert(lower).second) return InvalidArgument("two data files are named \"" + f.name + "\"");
    listed.push_back(ManifestEntry{f.name, f.media_type});
  }
  entries.push_back(ZipEntry{std::string(kManifestName), ManifestXml(listed), false});
  for (const DataFile& f : container.files) entries.push_back(ZipEntry{f.name, f.content, false});
  for (const SignatureFile& s : container.signatures) {
    if (!IsSignatureName(s.name)) return InvalidArgument("\"" + s.name + "\" is not a signature file's name");
    entries.push_back(ZipEntry{s.name, s.xml, false});
  }
  return WriteZip(entries);
}

std::string NextSignatureName(const Container& container) {
  std::set<std::string> used;
  for (const SignatureFile& s : container.signatures) used.insert(s.name);
  for (int n = 0;; ++n) {
    std::string name = "META-INF/signatures" + std::to_string(n) + ".xml";
    if (!used.count(name)) return name;
  }
}

std::string MediaTypeFor(std::string_view file_name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"json", "application/json"},
      {"xml", "application/xml"},
      {"html", "text/html"},
      {"htm", "text/html"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"csv", "text/csv"},
      {"zip", "application/zip"},
      {"asice", "application/vnd.etsi.asic-e+zip"},
      {"bdoc", "application/vnd.etsi.asic-e+zip"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"odt", "application/vnd.oasis.opendocument.text"},
  };
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace riik::sign
