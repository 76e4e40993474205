// journal_bench: journaled commits per second against plain inserts without a journal,
// on the same engine, in the same run, with fsync on. Prints medians and the ratio.
//
//   journal_bench [--seconds S] [--rounds R] [--engine sqlite|postgresql|both] [--writers N]
//
// Each round runs, for S seconds each: the plain single writer, the journaled single
// writer, and N journaled writers at once (group commit), so that noise from the shared
// machine falls on all alike.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

using namespace riik;
using SteadyClock = std::chrono::steady_clock;

namespace {

const std::string kValue(100, 'x');  // a 100-byte payload per row

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Calls `commit(i)` until `seconds` pass; returns commits per second.
double Rate(double seconds, const std::function<bool(int64_t)>& commit) {
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  static int64_t key = 0;
  int64_t n = 0;
  while (SteadyClock::now() < end) {
    if (!commit(++key)) return -1;
    ++n;
  }
  return n / std::chrono::duration<double>(SteadyClock::now() - start).count();
}

struct PlainSqlite {
  sqlite3* db = nullptr;
  sqlite3_stmt *begin = nullptr, *insert = nullptr, *commit = nullptr;
  explicit PlainSqlite(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY "
                 "KEY, v TEXT NOT NULL)",
                 nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO t (k, v) VALUES (?, ?)", -1, &insert, nullptr);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  }
  ~PlainSqlite() {
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    sqlite3_close(db);
  }
  bool Commit(int64_t k) {
    sqlite3_step(begin);
    sqlite3_reset(begin);
    sqlite3_bind_int64(insert, 1, k);
    sqlite3_bind_text(insert, 2, kValue.data(), static_cast<int>(kValue.size()), SQLITE_STATIC);
    bool ok = sqlite3_step(insert) == SQLITE_DONE;
    sqlite3_reset(insert);
    ok = sqlite3_step(commit) == SQLITE_DONE && ok;
    sqlite3_reset(commit);
    return ok;
  }
};

struct PlainPostgres {
  PGconn* conn;
  explicit PlainPostgres(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    PQclear(PQexec(conn, "SET client_min_messages = warning"));
    PQclear(PQexec(conn, "CREATE TABLE IF NOT EXISTS t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)"));
    PQclear(PQprepare(conn, "ins", "INSERT INTO t (k, v) VALUES ($1, $2)", 2, nullptr));
  }
  ~PlainPostgres() { PQfinish(conn); }
  bool Commit(int64_t k) {
    std::string ks = std::to_string(k);
    const char* params[] = {ks.c_str(), kValue.c_str()};
    PGresult* r = PQexecPrepared(conn, "ins", 2, params, nullptr, nullptr, 0);  // autocommit
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
  }
};

bool JournaledCommit(store::Store& s, int64_t k) {
  return s.Write([&](store::WriteTxn& t) { return t.Put("t", {{"k", k}, {"v", kValue}}); }).ok();
}

// `writers` threads calling Store::Write at once for `seconds`: group commit lets them
// share fsyncs. Returns commits per second over all threads.
double GroupRate(store::Store& s, int writers, double seconds) {
  std::atomic<int64_t> next{1'000'000'000}, done{0};
  std::atomic<bool> failed{false};
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      while (SteadyClock::now() < end) {
        if (!JournaledCommit(s, next++)) failed = true;
        ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return -1;
  return done / std::chrono::duration<double>(SteadyClock::now() - start).count();
}

void Report(const char* engine, const char* what, const std::vector<double>& plain,
            const std::vector<double>& journaled) {
  double p = Median(plain), j = Median(journaled);
  std::printf("%-10s plain %8.0f commits/s   %-24s %8.0f commits/s   ratio %.2f   (medians of %zu rounds)\n", engine, p,
              what, j, p > 0 ? j / p : 0, plain.size());
  std::fflush(stdout);
}

int RunEngine(const std::string& engine, double seconds, int rounds, int writers) {
  testing::TempDir dir("riik-bench");
  std::string plain_url, journal_url;
  std::unique_ptr<testing::PgCluster> cluster;
  if (engine == "sqlite") {
    plain_url = dir / "plain.db";
    journal_url = "sqlite:" + dir / "journaled.db";
  } else {
    chmod(dir.path().c_str(), 0755);
    auto c = testing::PgCluster::Start(dir / "pg");
    if (!c.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL: %s\n", c.status().ToString().c_str());
      return 1;
    }
    cluster = std::move(*c);
    std::string base = cluster->admin_url().substr(0, cluster->admin_url().rfind('/') + 1);
    PGconn* admin = PQconnectdb(cluster->admin_url().c_str());
    PQclear(PQexec(admin, "CREATE DATABASE plain"));
    PQclear(PQexec(admin, "CREATE DATABASE journaled"));
    PQfinish(admin);
    plain_url = base + "plain";
    journal_url = base + "journaled";
  }
  auto store = store::Store::Open(store::StoreOptions{journal_url, "bench"});
  if (!store.ok() ||
      !(*store)
           ->EnsureTables({{"t", {{"k", store::ColumnType::kInt}, {"v", store::ColumnType::kText}}, {"k"}, {}}})
           .ok()) {
    std::fprintf(stderr, "cannot open the journaled store\n");
    return 1;
  }
  std::vector<double> plain, journaled, grouped;
  for (int r = 0; r < rounds; ++r) {
    if (engine == "sqlite") {
      PlainSqlite p(plain_url);
      plain.push_back(Rate(seconds, [&](int64_t k) { return p.Commit(k); }));
    } else {
      PlainPostgres p(plain_url);
      plain.push_back(Rate(seconds, [&](int64_t k) { return p.Commit(k); }));
    }
    journaled.push_back(Rate(seconds, [&](int64_t k) { return JournaledCommit(**store, k); }));
    grouped.push_back(GroupRate(**store, writers, seconds));
  }
  Report(engine.c_str(), "journaled, 1 writer", plain, journaled);
  std::string what = "journaled, " + std::to_string(writers) + " writers";
  Report(engine.c_str(), what.c_str(), plain, grouped);
  auto v = (*store)->VerifyJournal(false);
  if (!v.ok() || !v->status.ok()) {
    std::fprintf(stderr, "journal does not verify after the run\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int rounds = 5;
  std::string engine = "both";
  int writers = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rounds"))
      rounds = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--engine"))
      engine = argv[i + 1];
    else if (!std::strcmp(argv[i], "--writers"))
      writers = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: journal_bench [--seconds S] [--rounds R] [--engine sqlite|postgresql|both] [--writers N]\n");
      return 2;
    }
  }
  std::printf("journal_bench: one row (8-byte key, 100-byte value) per transaction, fsync on\n");
  int rc = 0;
  if (engine == "sqlite" || engine == "both") rc |= RunEngine("sqlite", seconds, rounds, writers);
  if (engine == "postgresql" || engine == "both") rc |= RunEngine("postgresql", seconds, rounds, writers);
  return rc;
}
