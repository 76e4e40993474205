// META-INF/manifest.xml of an ASiC-E container (OpenDocument manifest 1.2): an entry for
// the container itself ("/", the ASiC-E media type) and one per data file with its media
// type, which each signature's DataObjectFormat must repeat.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::sign {

inline constexpr std::string_view kAsicMediaType = "application/vnd.etsi.asic-e+zip";
inline constexpr std::string_view kManifestNs = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
inline constexpr size_t kMaxManifestBytes = 1u << 20;

struct ManifestEntry {
  std::string path;        // the data file's name in the container
  std::string media_type;  // e.g. application/pdf
};

std::string ManifestXml(const std::vector<ManifestEntry>& files);

// The data files' entries (without "/"). InvalidArgument says what is wrong: not a
// manifest, no "/" entry or one with another media type, an entry without a path or a
// media type, a path listed twice.
Result<std::vector<ManifestEntry>> ParseManifest(std::string_view xml);

}  // namespace riik::sign
