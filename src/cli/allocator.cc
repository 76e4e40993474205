// jemalloc replaces malloc for the whole process once linked into the executable (every
// library's allocations included); asking it for its version is what keeps the linker
// from dropping it as unused.
#include "cli/allocator.h"

#ifdef RIIK_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace riik::cli {

std::string AllocatorName() {
#ifdef RIIK_WITH_JEMALLOC
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
    return std::string("jemalloc ") + version;
  }
  return "jemalloc";
#else
  return "glibc malloc";
#endif
}

}  // namespace riik::cli
