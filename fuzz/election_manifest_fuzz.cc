// Fuzzes reading election manifests (src/election/manifest.h): every input gets a
// verdict, a refusal says why, and a manifest that parses has the same hash when its
// canonical form is read again. Seeds: fuzz/election_manifest_corpus/ (written by
// ElectionFuzzCorpus.DISABLED_WriteFuzzCorpus).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "election/manifest.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik::election;
  auto manifest = ParseManifest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!manifest.ok()) {
    if (manifest.status().message().empty()) std::abort();
    riik::fuzz::RequireValid(false, manifest.status().message());
    return 0;
  }
  auto again = ParseManifest(manifest->text);
  if (!again.ok() || again->hash != manifest->hash || again->text != manifest->text) std::abort();
  return 0;
}
