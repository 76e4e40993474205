// Reading and writing ZIP archives with libzip, with the limits of zip_archive.h.
#include "sign/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

#include "core/encoding.h"

namespace riik::sign {
namespace {

constexpr uint64_t kRatioCheckedAbove = 1u << 20;

struct ZipCloser {
  void operator()(zip_t* za) const { zip_discard(za); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct SourceFreer {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;
using ZipFileHandle = std::unique_ptr<zip_file_t, ZipFileCloser>;
using SourceHandle = std::unique_ptr<zip_source_t, SourceFreer>;

std::string ErrorText(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

uint32_t Le(std::string_view b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// Reads one entry whole, counting the bytes inflated against the limits.
Result<std::string> ReadEntry(zip_t* za, zip_uint64_t index, const zip_stat_t& st, const std::string& name,
                              const ZipLimits& limits, uint64_t archive_bytes, uint64_t& total) {
  ZipFileHandle file(zip_fopen_index(za, index, 0));
  if (!file) return InvalidArgument("the entry " + name + " cannot be read: " + zip_strerror(za));
  std::string content;
  content.reserve(static_cast<size_t>(std::min<uint64_t>(st.size, 1u << 20)));
  char buffer[64 * 1024];
  for (;;) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      return InvalidArgument("the entry " + name + " is damaged: " + zip_file_strerror(file.get()));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    if (content.size() > limits.max_entry_bytes)
      return ResourceExhausted("the entry " + name + " is larger than " + std::to_string(limits.max_entry_bytes) +
                               " bytes");
    // Many small entries, each under the per-entry check, inflating together.
    if (total > kRatioCheckedAbove && total / std::max<uint64_t>(archive_bytes, 1) > limits.max_ratio)
      return ResourceExhausted("the archive inflates more than " + std::to_string(limits.max_ratio) +
                               " times its size (a ZIP bomb?)");
    if (total > limits.max_total_bytes)
      return ResourceExhausted("the archive's entries are larger than " + std::to_string(limits.max_total_bytes) +
                               " bytes in all");
    if (content.size() > kRatioCheckedAbove && content.size() / std::max<uint64_t>(st.comp_size, 1) > limits.max_ratio)
      return ResourceExhausted("the entry " + name + " inflates more than " + std::to_string(limits.max_ratio) +
                               " times its compressed size (a ZIP bomb?)");
  }
  if (content.size() != st.size) return InvalidArgument("the entry " + name + " is not the size its header says");
  return content;
}

}  // namespace

Status CheckEntryName(std::string_view name, size_t max_bytes) {
  std::string shown = "\"" + std::string(name.substr(0, 80)) + "\"";
  if (name.empty()) return InvalidArgument("an entry has an empty name");
  if (name.size() > max_bytes)
    return InvalidArgument("the entry name " + shown + "... is longer than " + std::to_string(max_bytes) + " bytes");
  if (!IsValidUtf8(name)) return InvalidArgument("the entry name " + shown + " is not UTF-8");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return InvalidArgument("the entry name " + shown + " has a control character");
  if (name.find('\\') != std::string_view::npos) return InvalidArgument("the entry name " + shown + " has a backslash");
  if (name.front() == '/' || (name.size() >= 2 && name[1] == ':'))
    return InvalidArgument("the entry name " + shown + " is an absolute path");
  std::string_view rest = name;
  if (rest.back() == '/') rest.remove_suffix(1);  // a directory
  for (size_t start = 0; start <= rest.size();) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view part = rest.substr(start, end - start);
    if (part.empty()) return InvalidArgument("the entry name " + shown + " has an empty part");
    if (part == "." || part == "..")
      return InvalidArgument("the entry name " + shown + " has a \"" + std::string(part) + "\" part");
    start = end + 1;
  }
  return OkStatus();
}

Result<std::vector<ZipEntry>> ReadZip(std::string_view archive, const ZipLimits& limits) {
  if (archive.size() > limits.max_archive_bytes)
    return ResourceExhausted("the archive is larger than " + std::to_string(limits.max_archive_bytes) + " bytes");
  zip_error_t error;
  zip_error_init(&error);
  SourceHandle source(zip_source_buffer_create(archive.data(), archive.size(), 0, &error));
  if (!source) return Internal("libzip: " + ErrorText(&error));
  ZipHandle za(zip_open_from_source(source.get(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!za) return InvalidArgument("not a ZIP archive: " + ErrorText(&error));
  source.release();  // the archive owns it now
  zip_int64_t count = zip_get_num_entries(za.get(), 0);
  if (count < 0) return InvalidArgument("not a ZIP archive");
  if (static_cast<uint64_t>(count) > limits.max_entries)
    return ResourceExhausted("the archive has " + std::to_string(count) + " entries; at most " +
                             std::to_string(limits.max_entries) + " are read");
  std::vector<ZipEntry> entries;
  std::set<std::string> seen;
  uint64_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), i, ZIP_FL_ENC_RAW, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
      return InvalidArgument("entry " + std::to_string(i) + " of the archive cannot be read");
    }
    std::string name = st.name;
    RETURN_IF_ERROR(CheckEntryName(name, limits.max_name_bytes));
    if (!seen.insert(Lower(name)).second)
      return InvalidArgument("the archive has two entries named \"" + name + "\" (or differing only in case)");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      return InvalidArgument("the entry " + name + " is encrypted");
    if (st.size > limits.max_entry_bytes)
      return ResourceExhausted("the entry " + name + " is larger than " + std::to_string(limits.max_entry_bytes) +
                               " bytes");
    if (name.back() == '/') {
      if (st.size != 0) return InvalidArgument("the directory entry " + name + " has content");
      continue;
    }
    ASSIGN_OR_RETURN(std::string content, ReadEntry(za.get(), i, st, name, limits, archive.size(), total));
    bool stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
    entries.push_back(ZipEntry{std::move(name), std::move(content), stored});
  }
  return entries;
}

Result<FirstEntry> ReadFirstLocalHeader(std::string_view archive) {
  constexpr size_t kHeader = 30;
  if (archive.size() < kHeader || Le(archive, 0, 4) != 0x04034b50)
    return InvalidArgument("the archive does not begin with a ZIP entry");
  FirstEntry first;
  uint32_t method = Le(archive, 8, 2), compressed = Le(archive, 18, 4);
  size_t name_len = Le(archive, 26, 2), extra_len = Le(archive, 28, 2);
  if (archive.size() < kHeader + name_len + extra_len) return InvalidArgument("the first ZIP entry is cut short");
  first.name = std::string(archive.substr(kHeader, name_len));
  first.stored = method == 0;
  first.has_extra_field = extra_len != 0;
  size_t content_at = kHeader + name_len + extra_len;
  if (first.stored && compressed <= 1024 && archive.size() >= content_at + compressed)
    first.stored_content = std::string(archive.substr(content_at, compressed));
  return first;
}

Result<std::string> WriteZip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  SourceHandle buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) return Internal("libzip: " + ErrorText(&error));
  zip_source_keep(buffer.get());  // it outlives the archive, which writes into it
  ZipHandle za(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!za) {
    zip_source_free(buffer.get());  // the reference zip_open_from_source did not take
    return Internal("libzip: " + ErrorText(&error));
  }
  for (const ZipEntry& e : entries) {
    RETURN_IF_ERROR(CheckEntryName(e.name));
    zip_source_t* data = zip_source_buffer(za.get(), e.content.data(), e.content.size(), 0);
    zip_int64_t index = data ? zip_file_add(za.get(), e.name.c_str(), data, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (data) zip_source_free(data);
      return Internal("libzip cannot add " + e.name + ": " + zip_strerror(za.get()));
    }
    if (zip_set_file_compression(za.get(), static_cast<zip_uint64_t>(index), e.stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 0) != 0) {
      return Internal("libzip cannot set the compression of " + e.name + ": " + zip_strerror(za.get()));
    }
  }
  if (zip_close(za.get()) != 0)
    return Internal(std::string("libzip cannot write the archive: ") + zip_strerror(za.get()));
  za.release();  // zip_close freed it
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_open(buffer.get()) != 0 || zip_source_stat(buffer.get(), &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return Internal("libzip cannot read back the archive it wrote");
  std::string out(static_cast<size_t>(st.size), '\0');
  zip_int64_t n = zip_source_read(buffer.get(), out.data(), out.size());
  zip_source_close(buffer.get());
  if (n != static_cast<zip_int64_t>(out.size())) return Internal("libzip read back a short archive");
  return out;
}

}  // namespace riik::sign
