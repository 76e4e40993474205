// A failing, crashing SQLite VFS over the real one (fault_vfs.h).
#include "support/fault_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace riik::testing {
namespace {

// What a write or truncation replaced: put back if the file is not synced before a crash.
struct Undo {
  sqlite3_int64 offset = 0;
  std::string old;  // the bytes that were at offset (within the old size)
  sqlite3_int64 old_size = 0;
};

struct State {
  std::mutex mu;
  sqlite3_vfs* real = nullptr;
  int write_code = 0;
  bool fail_sync = false;
  int64_t crash_after = -1;
  int64_t mutations = 0;
  std::map<std::string, std::vector<Undo>> unsynced;  // path -> since its last sync
};

State& S() {
  static State* s = new State;
  return *s;
}

// Counts a call that changes a file; false once the machine is down.
bool Mutate() {
  std::lock_guard lock(S().mu);
  ++S().mutations;
  return S().crash_after < 0 || S().mutations <= S().crash_after;
}

struct FaultVfsFile {
  sqlite3_file base;
  sqlite3_file* real;
  const char* path;  // SQLite's, valid while the file is open; null for temporary files
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultVfsFile*>(f)->real; }

// Records what [offset, offset+amount) holds now, before it is overwritten or cut.
void Remember(sqlite3_file* f, sqlite3_int64 offset, sqlite3_int64 amount) {
  const char* path = reinterpret_cast<FaultVfsFile*>(f)->path;
  if (path == nullptr) return;
  sqlite3_file* real = Real(f);
  Undo undo;
  undo.offset = offset;
  if (real->pMethods->xFileSize(real, &undo.old_size) != SQLITE_OK) return;
  sqlite3_int64 have = std::max<sqlite3_int64>(0, std::min(amount, undo.old_size - offset));
  undo.old.resize(static_cast<size_t>(have));
  if (have > 0) (void)real->pMethods->xRead(real, undo.old.data(), static_cast<int>(have), offset);
  std::lock_guard lock(S().mu);
  S().unsynced[path].push_back(std::move(undo));
}

int Close(sqlite3_file* f) {
  int rc = Real(f)->pMethods ? Real(f)->pMethods->xClose(Real(f)) : SQLITE_OK;
  return rc;
}
int Read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buf, amount, offset);
}
int Write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  if (!Mutate()) return SQLITE_IOERR_WRITE;
  {
    std::lock_guard lock(S().mu);
    if (S().write_code != 0) return S().write_code;
  }
  Remember(f, offset, amount);
  return Real(f)->pMethods->xWrite(Real(f), buf, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (!Mutate()) return SQLITE_IOERR_TRUNCATE;
  sqlite3_int64 now = 0;
  if (Real(f)->pMethods->xFileSize(Real(f), &now) == SQLITE_OK && now > size) Remember(f, size, now - size);
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (!Mutate()) return SQLITE_IOERR_FSYNC;
  {
    std::lock_guard lock(S().mu);
    if (S().fail_sync) return SQLITE_IOERR_FSYNC;
  }
  int rc = Real(f)->pMethods->xSync(Real(f), flags);
  const char* path = reinterpret_cast<FaultVfsFile*>(f)->path;
  if (rc == SQLITE_OK && path != nullptr) {
    std::lock_guard lock(S().mu);
    S().unsynced.erase(path);
  }
  return rc;
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) { return Real(f)->pMethods->xFileSize(Real(f), size); }
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
int FileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) { return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag); }
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), offset, p); }

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* ff = reinterpret_cast<FaultVfsFile*>(f);
  ff->base.pMethods = nullptr;
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  ff->path = name;
  int rc = S().real->xOpen(S().real, name, ff->real, flags, out_flags);
  if (rc == SQLITE_OK && ff->real->pMethods != nullptr) ff->base.pMethods = &kMethods;
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (!Mutate()) return SQLITE_IOERR_DELETE;
  int rc = S().real->xDelete(S().real, name, sync_dir);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(S().mu);
    S().unsynced.erase(name);
  }
  return rc;
}

}  // namespace

FaultVfs& FaultVfs::Install() {
  static FaultVfs* vfs = [] {
    static sqlite3_vfs ours;
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    S().real = real;
    ours = *real;  // the rest (paths, randomness, time) is the real one's
    ours.zName = "riik-fault";
    ours.szOsFile = static_cast<int>(sizeof(FaultVfsFile)) + real->szOsFile;
    ours.xOpen = Open;
    ours.xDelete = Delete;
    sqlite3_vfs_register(&ours, /*makeDflt=*/1);
    return new FaultVfs;
  }();
  vfs->Heal();
  return *vfs;
}

void FaultVfs::FailWrites(int sqlite_code) {
  std::lock_guard lock(S().mu);
  S().write_code = sqlite_code;
}

void FaultVfs::FailSyncs(bool fail) {
  std::lock_guard lock(S().mu);
  S().fail_sync = fail;
}

void FaultVfs::CrashAfter(int64_t calls) {
  std::lock_guard lock(S().mu);
  S().crash_after = S().mutations + calls;
}

void FaultVfs::Heal() {
  std::lock_guard lock(S().mu);
  S().write_code = 0;
  S().fail_sync = false;
  S().crash_after = -1;
}

int64_t FaultVfs::mutations() const {
  std::lock_guard lock(S().mu);
  return S().mutations;
}

void FaultVfs::Crash() {
  std::lock_guard lock(S().mu);
  for (auto& [path, undos] : S().unsynced) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    for (auto u = undos.rbegin(); u != undos.rend(); ++u) {
      if (!u->old.empty()) (void)::pwrite(fd, u->old.data(), u->old.size(), u->offset);
      (void)::ftruncate(fd, u->old_size);
    }
    ::close(fd);
  }
  S().unsynced.clear();
  S().write_code = 0;
  S().fail_sync = false;
  S().crash_after = -1;
}

}  // namespace riik::testing
