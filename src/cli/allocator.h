// Which memory allocator this riik binary runs on: jemalloc where it was built in (the
// release build), else the C library's malloc, or the sanitizer's in a sanitizer build
// (which must see every allocation). `riik --version` says which.
#pragma once

#include <string>

namespace riik::cli {

// "jemalloc 5.3.0-…" (when jemalloc is linked and serves malloc), "glibc malloc" or
// "AddressSanitizer's malloc".
std::string AllocatorName();

}  // namespace riik::cli
