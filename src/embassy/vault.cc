// Keeping a node's files in its vault store.
#include "embassy/vault.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "core/file.h"
#include "crypto/sha256.h"
#include "store/row_fields.h"

namespace riik::embassy {
namespace {

namespace fs = std::filesystem;

const store::TableSchema kFiles = {"files",
                                   {{"path", store::ColumnType::kText},
                                    {"mode", store::ColumnType::kInt},
                                    {"sha256", store::ColumnType::kText},
                                    {"content", store::ColumnType::kBlob}},
                                   {"path"},
                                   {}};

// Store files and their companions are not the vault's: the journal carries them.
bool IsStoreFile(const std::string& name) {
  return name.starts_with("store.db") || name.ends_with(".owner") || name.starts_with(".");
}

struct OnDisk {
  int64_t mode;
  std::string sha256;
  std::string content;
};

Status Collect(const fs::path& root, const fs::path& path, std::map<std::string, OnDisk>& out) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
      if (entry.is_regular_file()) RETURN_IF_ERROR(Collect(root, entry.path(), out));
    }
    if (ec) return Unavailable("cannot list " + path.string() + ": " + ec.message());
    return OkStatus();
  }
  if (!fs::is_regular_file(path, ec)) return OkStatus();  // not there (yet): nothing to keep
  if (IsStoreFile(path.filename().string())) return OkStatus();
  auto size = fs::file_size(path, ec);
  if (ec || size > kMaxVaultFileBytes) {
    return InvalidArgument(path.string() + " is too large for the vault (at most 1 MiB per file)");
  }
  ASSIGN_OR_RETURN(std::string content, ReadFile(path.string()));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Unavailable("cannot stat " + path.string());
  std::string rel = fs::relative(path, root).generic_string();
  out[rel] = OnDisk{static_cast<int64_t>(st.st_mode & 0777), DigestHex(Sha256(content)), std::move(content)};
  return OkStatus();
}

}  // namespace

Result<VaultSync> SyncVault(store::Store& vault, const std::string& root, const std::vector<std::string>& include) {
  RETURN_IF_ERROR(vault.EnsureTables({kFiles}));
  std::map<std::string, OnDisk> disk;
  for (const auto& rel : include) RETURN_IF_ERROR(Collect(root, fs::path(root) / rel, disk));
  ASSIGN_OR_RETURN(auto rows, vault.Query("SELECT path, mode, sha256 FROM files"));
  std::map<std::string, std::pair<int64_t, std::string>> kept;
  for (const auto& row : rows) {
    kept[store::TextOr(row, "path", "")] = {store::IntField(row, "mode").value_or(0), store::TextOr(row, "sha256", "")};
  }
  VaultSync sync;
  sync.files = static_cast<int64_t>(disk.size());
  std::vector<std::string> puts, deletes;
  for (const auto& [path, file] : disk) {
    auto it = kept.find(path);
    if (it == kept.end() || it->second.first != file.mode || it->second.second != file.sha256) puts.push_back(path);
  }
  for (const auto& [path, meta] : kept) {
    if (!disk.count(path)) deletes.push_back(path);
  }
  if (puts.empty() && deletes.empty()) return sync;
  RETURN_IF_ERROR(
      vault
          .Write([&](store::WriteTxn& txn) -> Status {
            for (const auto& path : puts) {
              const OnDisk& f = disk[path];
              RETURN_IF_ERROR(txn.Put(
                  "files",
                  {{"path", path}, {"mode", f.mode}, {"sha256", f.sha256}, {"content", store::Blob{f.content}}}));
            }
            for (const auto& path : deletes) RETURN_IF_ERROR(txn.Delete("files", {{"path", path}}));
            return OkStatus();
          })
          .status());
  sync.changed = static_cast<int64_t>(puts.size() + deletes.size());
  return sync;
}

Result<int64_t> WriteVaultFiles(store::Store& vault, const std::string& root) {
  ASSIGN_OR_RETURN(auto rows, vault.Query("SELECT path, mode, sha256, content FROM files ORDER BY path"));
  int64_t written = 0;
  for (const auto& row : rows) {
    std::string path = store::TextOr(row, "path", "");
    fs::path rel(path);
    bool escapes = path.empty() || rel.is_absolute();
    for (const auto& part : rel) escapes = escapes || part == "..";
    if (escapes) return DataLoss("the vault holds a path outside its root: '" + path + "'");
    auto it = row.find("content");
    const store::Blob* content = it == row.end() ? nullptr : std::get_if<store::Blob>(&it->second);
    if (!content || DigestHex(Sha256(content->bytes)) != store::TextOr(row, "sha256", "")) {
      return DataLoss("the vault's copy of " + path + " does not match its SHA-256");
    }
    fs::path target = fs::path(root) / rel;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Unavailable("cannot create " + target.parent_path().string() + ": " + ec.message());
    int64_t mode = store::IntField(row, "mode").value_or(0600);
    RETURN_IF_ERROR(WriteFileAtomic(target.string(), content->bytes, /*secret=*/(mode & 077) == 0));
    ::chmod(target.c_str(), static_cast<mode_t>(mode & 0777));
    ++written;
  }
  return written;
}

}  // namespace riik::embassy
