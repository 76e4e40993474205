// How a store's SQLite file is tuned to the way it is written: its page cache and when
// its WAL is copied back into the database.
#pragma once

#include <string>

#include "core/status.h"

namespace riik::store {

struct SqliteTuning {
  // The page cache (MiB). A large cache keeps a big table's indexes in memory for bulk
  // loads; but SQLite scans the cache at every commit, so a store of many small commits
  // runs cheaper on a small one (bench/sqlite_commit_cache.py).
  int cache_mib = 64;
  // How many WAL pages a commit leaves before it copies them back into the database
  // (SQLite's automatic checkpoint, on the committing thread). Bulk loads take fewer,
  // larger copies; for small commits each waited for (a message log) a copy of 64 MiB
  // holds one commit up for tens of milliseconds, and small ones cost no more: the WAL
  // stays small and is written in place (docs/benchmarks.md, the data exchange).
  int checkpoint_pages = 16384;
};

// InvalidArgument, naming the value, outside 1–65536 MiB of cache or 100–1,000,000 pages.
inline Status CheckSqliteTuning(const SqliteTuning& tuning) {
  if (tuning.cache_mib < 1 || tuning.cache_mib > 65536) {
    return InvalidArgument("a store's page cache must be 1 to 65536 MiB, not " + std::to_string(tuning.cache_mib));
  }
  if (tuning.checkpoint_pages < 100 || tuning.checkpoint_pages > 1'000'000) {
    return InvalidArgument("a store's checkpoint must come after 100 to 1,000,000 WAL pages, not " +
                           std::to_string(tuning.checkpoint_pages));
  }
  return OkStatus();
}
// For a store written by many small commits, each of which someone waits for.
inline constexpr SqliteTuning kSmallCommits{.cache_mib = 2, .checkpoint_pages = 1000};
// For a large store loaded in bulk once and then written a small commit at a time, each
// waited for (a registry with its tracker, a ballot box with its voter list): the bulk
// cache for its reads, small checkpoints. Store::Tune switches to it after the load.
inline constexpr SqliteTuning kServing{.cache_mib = 64, .checkpoint_pages = 1000};

}  // namespace riik::store
