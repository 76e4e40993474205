// journal_bench: journaled commits per second against plain inserts without a journal,
// on the same engine, in the same run, with fsync on. Prints medians and the ratio.
//
//   journal_bench [--seconds S] [--rounds R] [--engine sqlite|postgresql|both] [--writers N]
//
// Each round runs, for S seconds each: a plain single writer, the journaled single
// writer, N plain writers at once (each with its own connection: SQLite's lock, or
// PostgreSQL's own group commit) and N journaled writers at once (riik's group commit),
// so that noise from the shared machine falls on all alike. Every commit inserts a new
// row: the keys keep counting across rounds, so no round updates rows instead.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "store/store.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

using namespace riik;
using SteadyClock = std::chrono::steady_clock;

namespace {

using bench::Median;

const std::string kValue(100, 'x');  // a 100-byte payload per row

// A writer: commits one row under the key it is given; false on failure.
using Commit = std::function<bool(int64_t)>;

// `writers` threads, each with the writer `make()` gives it (its own connection), commit
// rows under fresh keys from `next` until `seconds` pass. Returns commits per second over
// all threads, -1 if any commit failed.
double Rate(int writers, double seconds, std::atomic<int64_t>& next, const std::function<Commit()>& make) {
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  std::vector<Commit> commits;
  for (int w = 0; w < writers; ++w) commits.push_back(make());
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, commit = commits[static_cast<size_t>(w)]] {
      while (SteadyClock::now() < end) {
        if (!commit(next++)) failed = true;
        ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) return -1;
  return static_cast<double>(done) / std::chrono::duration<double>(SteadyClock::now() - start).count();
}

struct PlainSqlite {
  sqlite3* db = nullptr;
  sqlite3_stmt *begin = nullptr, *insert = nullptr, *commit = nullptr;
  explicit PlainSqlite(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 10000);  // writers of their own connections wait for the lock
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

void Report(const char* engine, int writers, const std::vector<double>& plain, const std::vector<double>& journaled) {
  double p = Median(plain), j = Median(journaled);
  std::printf(
      "%-10s %2d writer%s  plain %8.0f commits/s   journaled %8.0f commits/s   ratio %.2f   (medians of %zu rounds)\n",
      engine, writers, writers == 1 ? " " : "s", p, j, p > 0 ? j / p : 0, plain.size());
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
  // Plain writers, each with its own connection.
  std::function<Commit()> plain_writer = [&]() -> Commit {
    if (engine == "sqlite") {
      auto p = std::make_shared<PlainSqlite>(plain_url);
      return [p](int64_t k) { return p->Commit(k); };
    }
    auto p = std::make_shared<PlainPostgres>(plain_url);
    return [p](int64_t k) { return p->Commit(k); };
  };
  std::function<Commit()> journaled_writer = [&]() -> Commit {
    return [&s = **store](int64_t k) { return JournaledCommit(s, k); };
  };
  std::atomic<int64_t> plain_key{1}, journaled_key{1};  // counting on across rounds
  std::vector<double> plain, journaled, plain_group, journaled_group;
  for (int r = 0; r < rounds; ++r) {
    plain.push_back(Rate(1, seconds, plain_key, plain_writer));
    journaled.push_back(Rate(1, seconds, journaled_key, journaled_writer));
    plain_group.push_back(Rate(writers, seconds, plain_key, plain_writer));
    journaled_group.push_back(Rate(writers, seconds, journaled_key, journaled_writer));
  }
  Report(engine.c_str(), 1, plain, journaled);
  Report(engine.c_str(), writers, plain_group, journaled_group);
  for (const auto* rates : {&plain, &journaled, &plain_group, &journaled_group}) {
    if (std::find(rates->begin(), rates->end(), -1.0) != rates->end()) {
      std::fprintf(stderr, "a commit failed during the run\n");
      return 1;
    }
  }
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
