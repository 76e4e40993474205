// An ASiC-E container (ETSI EN 319 162-1; BDOC 2.1): the data files, each with the media
// type its manifest gives, and the signature files META-INF/signatures*.xml, as XML text.
// Reading checks the container's structure as DigiDoc does; what the signatures say is
// verify.h's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sign/zip_archive.h"

namespace riik::sign {

struct DataFile {
  std::string name;  // its path in the container, e.g. "tax-return.json"
  std::string media_type;
  std::string content;
};

struct SignatureFile {
  std::string name;  // e.g. "META-INF/signatures0.xml"
  std::string xml;
};

struct Container {
  std::vector<DataFile> files;
  std::vector<SignatureFile> signatures;
  // Other entries under META-INF/ (EN 319 162-1 lets producers add their own): their names
  // only. No signature covers them, each report says so, and they are not written back.
  std::vector<std::string> unsigned_metadata;

  const DataFile* Find(std::string_view name) const;
};

// InvalidArgument (or ResourceExhausted for a limit) names the first structural fault:
// not a ZIP; "mimetype" not the first entry in the file, compressed, with an extra field,
// or not exactly application/vnd.etsi.asic-e+zip; no manifest; a data file missing from
// the manifest or a manifest entry without its file; a data file in META-INF.
Result<Container> ReadContainer(std::string_view bytes, const ZipLimits& limits = {});

// The container's bytes: mimetype first and stored, the manifest, the data files, the
// signatures. InvalidArgument if there are no files, or a name is unusable or repeated.
Result<std::string> WriteContainer(const Container& container);

// The name for one more signature: META-INF/signaturesN.xml with the smallest N unused.
std::string NextSignatureName(const Container& container);

// The media type for a file name by its extension (application/octet-stream otherwise).
std::string MediaTypeFor(std::string_view file_name);

}  // namespace riik::sign
