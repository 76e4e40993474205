// ZIP archives as ASiC containers use them, through libzip: reading untrusted bytes into
// named entries with every limit a validation service needs (entry count, sizes, the
// compression ratio of each entry, names that could escape a directory or collide), and
// writing entries in the order given, each stored or deflated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::sign {

struct ZipLimits {
  size_t max_archive_bytes = 64u << 20;  // the container as received
  size_t max_entries = 1000;
  uint64_t max_entry_bytes = 256u << 20;  // one entry, uncompressed
  uint64_t max_total_bytes = 512u << 20;  // all entries, uncompressed
  uint64_t max_ratio = 200;               // uncompressed / compressed, for entries over 1 MiB
  size_t max_name_bytes = 512;
};

struct ZipEntry {
  std::string name;     // as stored (UTF-8), never a directory
  std::string content;  // uncompressed
  bool stored = false;  // not compressed
};

// The entries of a ZIP, in the order of its central directory; directory entries
// ("META-INF/") are skipped. InvalidArgument says what is wrong: not a ZIP, a damaged
// entry (CRC), a name that is absolute, has "..", a backslash, a control character or
// an empty part, two names equal or equal but for case, an encrypted entry;
// ResourceExhausted names the limit hit (a ZIP bomb is caught by size and ratio, counted
// on the bytes actually inflated, not on what the headers claim).
Result<std::vector<ZipEntry>> ReadZip(std::string_view archive, const ZipLimits& limits = {});

// The first local file header of `archive`: its name, whether it is stored, whether it
// has an extra field, and its content if stored. ASiC needs the mimetype entry first in
// the file itself, not just first in the central directory.
struct FirstEntry {
  std::string name;
  bool stored = false;
  bool has_extra_field = false;
  std::string stored_content;
};
Result<FirstEntry> ReadFirstLocalHeader(std::string_view archive);

// A ZIP of `entries` in this order (libzip, in memory). Entries marked `stored` are not
// compressed and get no extra field; the others are deflated.
Result<std::string> WriteZip(const std::vector<ZipEntry>& entries);

// Checks one entry name by the rules ReadZip applies (also for names a signer adds).
Status CheckEntryName(std::string_view name, size_t max_bytes = ZipLimits{}.max_name_bytes);

}  // namespace riik::sign
