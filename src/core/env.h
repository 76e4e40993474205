// The operating system as the durable parts of riik see it: time, and files that are
// created, written, synced, renamed, removed and listed. Everything that must survive a
// crash (the embassy's archive, the shipper's state, store snapshots) reaches the disk
// through an Env, so a test can put a failing disk (ENOSPC, EIO on write or fsync) or a
// crash that drops what was not synced beneath it (tests/support/fault_env.h), as
// leveldb's Env does. Env::Default() is the real one; it is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace riik {

// A file being written: appended to, synced, closed. Nothing is durable before Sync().
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // fsync: the bytes appended so far survive a crash (the file's name does once its
  // directory is synced too: Env::SyncDir).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

struct FileInfo {
  bool is_directory = false;
  uint64_t size = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  static Env& Default();

  // Wall time, microseconds since the Unix epoch.
  virtual UnixMicros NowMicros() = 0;
  // A clock that never goes back, for intervals and deadlines.
  virtual int64_t MonotonicMicros() = 0;
  virtual void SleepForMicros(int64_t micros) = 0;

  // Creates (or truncates) `path` with `mode` for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path, unsigned mode) = 0;
  // Opens an existing `path` to append to what it holds; NotFound if there is none.
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) = 0;
  // The whole file; NotFound if there is none.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Replaces `to` by `from` (one directory entry change, atomic on POSIX file systems).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates one directory (its parent must exist); OK if it exists. 0700 when
  // `private_dir`, 0755 otherwise.
  virtual Status CreateDir(const std::string& path, bool private_dir) = 0;
  // Removes an empty directory.
  virtual Status RemoveDir(const std::string& path) = 0;
  // Makes the directory's entries (files created, renamed or removed in it) durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // The names in a directory (without "." and ".."); NotFound if there is no such one.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // NotFound if nothing is at `path`.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
};

// What is built on an Env's primitives.

// Replaces `path` with `data` so that a crash leaves either the old or the new content:
// written to a hidden temporary beside it (".NAME.tmp", which listings skip), fsynced,
// renamed over it, and the directory fsynced. `secret` files are 0600, others 0644.
Status WriteFileAtomic(Env& env, const std::string& path, std::string_view data, bool secret);
// Creates `path` and its missing parents, syncing each parent a directory was made in,
// so that a directory (and what is later made durable in it) survives a crash.
Status CreateDirsDurably(Env& env, const std::string& path, bool private_dir = false);
// Removes `path` and all beneath it (nothing there: OK).
Status RemoveTree(Env& env, const std::string& path);
// True when something is at `path`.
bool Exists(Env& env, const std::string& path);
// A file name that a write in progress uses (WriteFileAtomic's temporary): listings skip it.
inline bool IsTemporaryName(std::string_view name) { return name.starts_with("."); }

}  // namespace riik
