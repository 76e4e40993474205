// Fuzzes the ASiC-E manifest parser (src/sign/manifest.h) over libxml2 with DTDs and
// entities refused. Never crashes; a refusal says why; an accepted manifest written
// again parses to the same entries.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "seeds.h"
#include "sign/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto entries = riik::sign::ParseManifest(input);
  if (!entries.ok()) {
    if (entries.status().message().empty()) std::abort();
    riik::fuzz::RequireValid(false, entries.status().message());
    return 0;
  }
  auto again = riik::sign::ParseManifest(riik::sign::ManifestXml(*entries));
  if (!again.ok() || again->size() != entries->size()) std::abort();
  for (size_t i = 0; i < entries->size(); ++i)
    if ((*again)[i].path != (*entries)[i].path || (*again)[i].media_type != (*entries)[i].media_type) std::abort();
  return 0;
}
