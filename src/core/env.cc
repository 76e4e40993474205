// The real Env (POSIX calls) and what is built on any Env.
#include "core/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace riik {
namespace {

Status ErrnoStatus(const std::string& what, int err) {
  std::string message = what + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(message);
  if (err == ENOSPC || err == EDQUOT) return ResourceExhausted(message);
  return Unavailable(message);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return ErrnoStatus("cannot write " + path_, n < 0 ? errno : EIO);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus("cannot sync " + path_, errno);
    return OkStatus();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return ErrnoStatus("cannot close " + path_, errno);
    return OkStatus();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv final : public Env {
 public:
  UnixMicros NowMicros() override { return riik::NowMicros(); }
  int64_t MonotonicMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void SleepForMicros(int64_t micros) override { std::this_thread::sleep_for(std::chrono::microseconds(micros)); }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path, unsigned mode) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return ErrnoStatus("cannot create " + path, errno);
    // An existing file keeps its mode through O_CREAT: set it.
    if (::fchmod(fd, mode) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("cannot set the mode of " + path, err);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open " + path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }
  Result<std::string> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot read " + path, errno);
    // Read straight into a string of the file's size (grown if the file grows).
    struct stat st {};
    std::string out(::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 1 << 16, '\0');
    size_t have = 0;
    for (;;) {
      if (have == out.size()) out.resize(out.size() * 2);
      ssize_t n = ::read(fd, out.data() + have, out.size() - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return ErrnoStatus("cannot read " + path, err);
      }
      if (n == 0) break;
      have += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(have);
    return out;
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("cannot rename " + from + " to " + to, errno);
    return OkStatus();
  }
  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("cannot remove " + path, errno);
    return OkStatus();
  }
  Status CreateDir(const std::string& path, bool private_dir) override {
    if (::mkdir(path.c_str(), private_dir ? 0700 : 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("cannot create " + path, errno);
    }
    return OkStatus();
  }
  Status RemoveDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return ErrnoStatus("cannot remove " + path, errno);
    return OkStatus();
  }
  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open " + path, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus("cannot sync " + path, err);
    return OkStatus();
  }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("cannot list " + dir, errno);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    return names;
  }
  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat " + path, errno);
    return FileInfo{S_ISDIR(st.st_mode), static_cast<uint64_t>(st.st_size)};
  }
};

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Env& Env::Default() {
  static PosixEnv env;
  return env;
}

Status WriteFileAtomic(Env& env, const std::string& path, std::string_view data, bool secret) {
  const std::string dir = Parent(path);
  const std::string tmp = dir + "/." + path.substr(path.find_last_of('/') + 1) + ".tmp";
  Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env.NewWritableFile(tmp, secret ? 0600 : 0644));
    RETURN_IF_ERROR(file->Append(data));
    RETURN_IF_ERROR(file->Sync());
    return file->Close();
  }();
  if (written.ok()) written = env.RenameFile(tmp, path);
  if (!written.ok()) {
    (void)env.RemoveFile(tmp);  // what there is of it
    return written.WithContext("cannot write " + path);
  }
  return env.SyncDir(dir).WithContext("cannot make " + path + " durable");
}

Status CreateDirsDurably(Env& env, const std::string& path, bool private_dir) {
  if (path.empty() || path == "/" || path == ".") return OkStatus();
  auto info = env.Stat(path);
  if (info.ok()) {
    if (!info->is_directory) return FailedPrecondition(path + " is not a directory");
    return OkStatus();
  }
  const std::string parent = Parent(path);
  RETURN_IF_ERROR(CreateDirsDurably(env, parent, private_dir));
  RETURN_IF_ERROR(env.CreateDir(path, private_dir));
  return env.SyncDir(parent);
}

Status RemoveTree(Env& env, const std::string& path) {
  auto info = env.Stat(path);
  if (!info.ok()) return info.status().code() == Code::kNotFound ? OkStatus() : info.status();
  if (!info->is_directory) return env.RemoveFile(path);
  ASSIGN_OR_RETURN(std::vector<std::string> names, env.GetChildren(path));
  for (const std::string& name : names) RETURN_IF_ERROR(RemoveTree(env, path + "/" + name));
  return env.RemoveDir(path);
}

bool Exists(Env& env, const std::string& path) { return env.Stat(path).ok(); }

}  // namespace riik
