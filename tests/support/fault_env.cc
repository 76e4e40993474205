// A failing, crashing Env over real files (fault_env.h).
#include "support/fault_env.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace riik::testing {
namespace {

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

Status Errno(const std::string& what, int err) {
  std::string message = what + ": " + std::strerror(err);
  return err == ENOSPC ? ResourceExhausted(message) : Unavailable(message);
}

// Writes `content` at `path` as it stood before (used when undoing).
void Restore(Env& env, const std::string& path, const std::string& content) {
  auto file = env.NewWritableFile(path, 0644);
  if (file.ok()) {
    (void)(*file)->Append(content);
    (void)(*file)->Close();
  }
}

}  // namespace

class FaultFile final : public WritableFile {
 public:
  FaultFile(FaultEnv& env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status Append(std::string_view data) override { return env_.AppendTo(*base_, path_, data); }
  Status Sync() override { return env_.SyncFile(*base_, path_); }
  Status Close() override {
    RETURN_IF_ERROR(env_.BeginMutation());
    return base_->Close();
  }

 private:
  FaultEnv& env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

FaultEnv::FaultEnv(Env& base) : base_(base), clock_us_(base.NowMicros()) {}

UnixMicros FaultEnv::NowMicros() {
  std::lock_guard lock(mu_);
  return clock_us_;
}

int64_t FaultEnv::MonotonicMicros() { return NowMicros(); }

void FaultEnv::Advance(int64_t micros) {
  std::lock_guard lock(mu_);
  clock_us_ += micros;
}

void FaultEnv::FailAppends(int err) {
  std::lock_guard lock(mu_);
  append_errno_ = err;
}

void FaultEnv::FailSyncs(int err) {
  std::lock_guard lock(mu_);
  sync_errno_ = err;
}

void FaultEnv::SetSpaceLeft(int64_t bytes) {
  std::lock_guard lock(mu_);
  space_left_ = bytes;
}

void FaultEnv::CrashAfter(int64_t calls) {
  std::lock_guard lock(mu_);
  crash_after_ = mutations_ + calls;
}

void FaultEnv::Heal() {
  std::lock_guard lock(mu_);
  append_errno_ = sync_errno_ = 0;
  space_left_ = crash_after_ = -1;
}

int64_t FaultEnv::mutations() const {
  std::lock_guard lock(mu_);
  return mutations_;
}

Status FaultEnv::BeginMutation() {
  std::lock_guard lock(mu_);
  ++mutations_;
  if (crash_after_ >= 0 && mutations_ > crash_after_) return Unavailable("the machine is down (a simulated crash)");
  return OkStatus();
}

std::optional<std::string> FaultEnv::DurableContentLocked(const std::string& path) {
  auto content = base_.ReadFile(path);
  if (!content.ok()) return std::nullopt;
  auto it = files_.find(path);
  if (it != files_.end() && content->size() > it->second.synced) content->resize(it->second.synced);
  return *content;
}

Result<std::unique_ptr<WritableFile>> FaultEnv::NewWritableFile(const std::string& path, unsigned mode) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  std::optional<std::string> previous = DurableContentLocked(path);
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_.NewWritableFile(path, mode));
  files_[path] = Tracked{};
  pending_.push_back({DirOp::kCreated, Parent(path), path, "", std::move(previous)});
  return std::unique_ptr<WritableFile>(new FaultFile(*this, path, std::move(file)));
}

Result<std::unique_ptr<WritableFile>> FaultEnv::OpenForAppend(const std::string& path) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_.OpenForAppend(path));
  // A file this env has not written since the last crash is durable as it stands.
  if (!files_.contains(path)) {
    ASSIGN_OR_RETURN(FileInfo info, base_.Stat(path));
    files_[path] = Tracked{info.size, info.size};
  }
  return std::unique_ptr<WritableFile>(new FaultFile(*this, path, std::move(file)));
}

Status FaultEnv::AppendTo(WritableFile& file, const std::string& path, std::string_view data) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  if (append_errno_ != 0) return Errno("cannot write " + path, append_errno_);
  bool full = false;
  if (space_left_ >= 0 && static_cast<int64_t>(data.size()) > space_left_) {
    data = data.substr(0, static_cast<size_t>(space_left_));
    full = true;
  }
  RETURN_IF_ERROR(file.Append(data));
  files_[path].size += data.size();
  if (space_left_ >= 0) space_left_ -= static_cast<int64_t>(data.size());
  if (full) return Errno("cannot write " + path, ENOSPC);
  return OkStatus();
}

Status FaultEnv::SyncFile(WritableFile& file, const std::string& path) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  // Linux's fsync may have dropped the dirty pages when it reports EIO: so do we.
  if (sync_errno_ != 0) return Errno("cannot sync " + path, sync_errno_);
  RETURN_IF_ERROR(file.Sync());
  Tracked& t = files_[path];
  t.synced = t.size;
  return OkStatus();
}

Status FaultEnv::RenameFile(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  std::optional<std::string> previous = DurableContentLocked(to);
  RETURN_IF_ERROR(base_.RenameFile(from, to));
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  } else {
    files_.erase(to);
  }
  pending_.push_back({DirOp::kRenamed, Parent(to), to, from, std::move(previous)});
  return OkStatus();
}

Status FaultEnv::RemoveFile(const std::string& path) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  std::optional<std::string> previous = DurableContentLocked(path);
  RETURN_IF_ERROR(base_.RemoveFile(path));
  files_.erase(path);
  pending_.push_back({DirOp::kRemoved, Parent(path), path, "", std::move(previous)});
  return OkStatus();
}

Status FaultEnv::CreateDir(const std::string& path, bool private_dir) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  bool existed = base_.Stat(path).ok();
  RETURN_IF_ERROR(base_.CreateDir(path, private_dir));
  if (!existed) pending_.push_back({DirOp::kMadeDir, Parent(path), path, "", std::nullopt});
  return OkStatus();
}

Status FaultEnv::RemoveDir(const std::string& path) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(base_.RemoveDir(path));
  pending_.push_back({DirOp::kRemovedDir, Parent(path), path, "", std::nullopt});
  return OkStatus();
}

Status FaultEnv::SyncDir(const std::string& path) {
  RETURN_IF_ERROR(BeginMutation());
  std::lock_guard lock(mu_);
  if (sync_errno_ != 0) return Errno("cannot sync " + path, sync_errno_);
  RETURN_IF_ERROR(base_.SyncDir(path));
  std::erase_if(pending_, [&](const DirOp& op) { return op.dir == path; });
  return OkStatus();
}

void FaultEnv::Crash() {
  std::lock_guard lock(mu_);
  // Files lose what they were not synced with...
  for (const auto& [path, t] : files_) {
    if (t.size > t.synced) (void)::truncate(path.c_str(), static_cast<off_t>(t.synced));
  }
  // ...and directories the entries they were not synced with, newest first.
  for (auto op = pending_.rbegin(); op != pending_.rend(); ++op) {
    switch (op->kind) {
      case DirOp::kCreated:
        (void)base_.RemoveFile(op->path);
        if (op->previous) Restore(base_, op->path, *op->previous);
        break;
      case DirOp::kRenamed:
        (void)base_.RenameFile(op->path, op->from);
        if (op->previous) Restore(base_, op->path, *op->previous);
        break;
      case DirOp::kRemoved:
        if (op->previous) Restore(base_, op->path, *op->previous);
        break;
      case DirOp::kMadeDir:
        (void)RemoveTree(base_, op->path);
        break;
      case DirOp::kRemovedDir:
        (void)base_.CreateDir(op->path, false);
        break;
    }
  }
  files_.clear();
  pending_.clear();
  append_errno_ = sync_errno_ = 0;
  space_left_ = crash_after_ = -1;
}

}  // namespace riik::testing
