// A SQLite VFS for tests, installed as the process's default over the real one, that
// fails and crashes as a disk and a machine do (fault_env.h does the same for riik's
// own files): writes that fail with SQLITE_FULL (a full disk) or an I/O error, syncs
// that fail, and a crash after N calls that change a file, after which every such call
// fails and Crash() puts back, in every file, what was written since that file's last
// sync (a machine that lost power keeps only what was synced). The store opens its
// SQLite files through whatever VFS is the default, so no store code knows of this.
//
// Not modelled: directory entries (SQLite's unix VFS syncs the directory of a file it
// creates itself) and the -shm index, which SQLite rebuilds from the WAL after a crash.
#pragma once

#include <cstdint>

namespace riik::testing {

class FaultVfs {
 public:
  // Registers the VFS as the default (once per process) and returns it, healed.
  static FaultVfs& Install();

  // Every write fails with `sqlite_code` (SQLITE_FULL, SQLITE_IOERR_WRITE); 0: none.
  void FailWrites(int sqlite_code);
  // Every sync fails (SQLITE_IOERR_FSYNC).
  void FailSyncs(bool fail);
  // The calls that change a file after the next `calls` fail: the machine is down.
  void CrashAfter(int64_t calls);
  // Reverts every file to what was synced, then works again without faults. Call it
  // with no connection open (they are gone with the machine).
  void Crash();
  void Heal();
  int64_t mutations() const;
};

}  // namespace riik::testing
