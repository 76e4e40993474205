// jemalloc replaces malloc for the whole process once linked into the executable (every
// library's allocations included). Whether it really serves malloc is asked of jemalloc
// itself: the bytes it counts as allocated by this thread must grow with a malloc.
#include "cli/allocator.h"

#include <cstdint>
#include <cstdlib>

#ifdef RIIK_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace riik::cli {
namespace {

#ifdef RIIK_WITH_JEMALLOC
// What jemalloc has handed this thread so far, or 0 if it cannot say.
uint64_t JemallocThreadAllocated() {
  uint64_t bytes = 0;
  size_t size = sizeof(bytes);
  return mallctl("thread.allocated", &bytes, &size, nullptr, 0) == 0 ? bytes : 0;
}
#endif

}  // namespace

// AddressSanitizer replaces malloc whichever allocator is linked (g++ says so with a
// macro, clang with a feature).
#if defined(__SANITIZE_ADDRESS__)
#define RIIK_ALLOCATOR_IS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RIIK_ALLOCATOR_IS_ASAN 1
#endif
#endif

std::string AllocatorName() {
#ifdef RIIK_ALLOCATOR_IS_ASAN
  return "AddressSanitizer's malloc";
#endif
#ifdef RIIK_WITH_JEMALLOC
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) return "jemalloc (no version)";
  const uint64_t before = JemallocThreadAllocated();
  void* volatile block = std::malloc(1 << 20);  // volatile: a malloc the compiler may not drop
  const uint64_t after = JemallocThreadAllocated();
  std::free(block);
  if (block == nullptr || after < before + (1 << 20)) return "glibc malloc (jemalloc linked but not serving malloc)";
  return std::string("jemalloc ") + version;
#else
  return "glibc malloc";
#endif
}

}  // namespace riik::cli
