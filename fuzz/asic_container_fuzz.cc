// Fuzzes reading an ASiC-E container (src/sign/container.h): the ZIP reader with its
// limits, the mimetype rules and the manifest, all from untrusted bytes a citizen or a
// registry sends. Never crashes; a refusal always says why; an accepted container
// written again reads back to the same files and signatures.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "seeds.h"
#include "sign/container.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  riik::sign::ZipLimits limits;
  limits.max_total_bytes = 8u << 20;  // keep the fuzzer's memory small; the rules are the same
  limits.max_entry_bytes = 4u << 20;
  auto container = riik::sign::ReadContainer(input, limits);
  if (!container.ok()) {
    if (container.status().message().empty()) std::abort();
    riik::fuzz::RequireValid(false, container.status().message());
    return 0;
  }
  auto again = riik::sign::WriteContainer(*container);
  if (!again.ok()) return 0;  // e.g. a name the reader takes but a writer would not make
  auto read = riik::sign::ReadContainer(*again, limits);
  if (!read.ok() || read->files.size() != container->files.size() ||
      read->signatures.size() != container->signatures.size())
    std::abort();
  for (size_t i = 0; i < read->files.size(); ++i)
    if (read->files[i].name != container->files[i].name || read->files[i].content != container->files[i].content ||
        read->files[i].media_type != container->files[i].media_type)
      std::abort();
  return 0;
}
