// Which memory allocator this riik binary runs on: jemalloc where it was built in (the
// release build), the C library's malloc otherwise (the sanitizer builds, whose own
// allocator must see every allocation). `riik --version` says which.
#pragma once

#include <string>

namespace riik::cli {

// "jemalloc 5.3.0-…" or "glibc malloc".
std::string AllocatorName();

}  // namespace riik::cli
