// An Env for tests that fails and crashes the way disks and machines do, over real files
// (leveldb's FaultInjectionTestEnv is the model):
//  - a full disk: appends beyond the space left write what fits, then fail with ENOSPC;
//  - EIO on every append, or on every fsync (of files and of directories);
//  - a crash after N calls that change the disk: from then on every such call fails, and
//    Crash() then leaves the files as a machine that lost power would find them: what
//    was appended since a file's last Sync is gone, and directory entries made since the
//    directory's last SyncDir are undone (a file created or a directory made is gone, a
//    rename or a removal is reversed).
// Time is a fake clock that only moves when told to (Advance, SleepForMicros).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"

namespace riik::testing {

class FaultEnv final : public Env {
 public:
  explicit FaultEnv(Env& base = Env::Default());

  UnixMicros NowMicros() override;
  int64_t MonotonicMicros() override;
  void SleepForMicros(int64_t micros) override { Advance(micros); }
  void Advance(int64_t micros);

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path, unsigned mode) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override;
  Result<std::string> ReadFile(const std::string& path) override { return base_.ReadFile(path); }
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDir(const std::string& path, bool private_dir) override;
  Status RemoveDir(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override { return base_.GetChildren(dir); }
  Result<FileInfo> Stat(const std::string& path) override { return base_.Stat(path); }

  // Faults, until Heal() or Crash(). errno values: ENOSPC, EIO.
  void FailAppends(int err);
  void FailSyncs(int err);
  void SetSpaceLeft(int64_t bytes);  // < 0: unlimited
  // The calls that change the disk after the first `calls` fail: the process is gone.
  void CrashAfter(int64_t calls);
  void Heal();
  // Drops what was not made durable (see above); the env then works without faults.
  void Crash();
  // Calls that changed (or tried to change) the disk so far.
  int64_t mutations() const;

 private:
  friend class FaultFile;
  struct Tracked {
    uint64_t size = 0, synced = 0;
  };
  struct DirOp {
    enum Kind { kCreated, kRenamed, kRemoved, kMadeDir, kRemovedDir } kind;
    std::string dir, path, from;
    std::optional<std::string> previous;  // what was at `path` before, as durable
  };
  // Counts a call that changes the disk; the error it must fail with, if any.
  Status BeginMutation();
  Status AppendTo(WritableFile& file, const std::string& path, std::string_view data);
  Status SyncFile(WritableFile& file, const std::string& path);
  // The content at `path` as a crash would leave it (unsynced bytes cut off); nullopt if none.
  std::optional<std::string> DurableContentLocked(const std::string& path);

  Env& base_;
  mutable std::mutex mu_;
  int64_t clock_us_;
  int append_errno_ = 0, sync_errno_ = 0;
  int64_t space_left_ = -1;
  int64_t crash_after_ = -1;
  int64_t mutations_ = 0;
  std::map<std::string, Tracked> files_;  // written through this env since the last crash
  std::vector<DirOp> pending_;            // directory changes not yet made durable
};

}  // namespace riik::testing
