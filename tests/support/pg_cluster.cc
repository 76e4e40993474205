// Throwaway PostgreSQL clusters for tests.
#include "support/pg_cluster.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "support/temp_dir.h"

namespace riik::testing {
namespace {

std::string PgBin() {
  const char* env = std::getenv("RIIK_PG_BIN");
  return env ? env : "/usr/lib/postgresql/15/bin";
}

// Runs `cmd` through the shell, as the postgres user when we are root.
Status RunAsPostgres(const std::string& cmd) {
  std::string full = geteuid() == 0 ? "runuser -u postgres -- " + cmd : cmd;
  int rc = std::system((full + " >/dev/null 2>&1").c_str());
  if (rc != 0) return Internal("command failed (" + std::to_string(rc) + "): " + full);
  return OkStatus();
}

Status ChownToPostgres(const std::string& path) {
  if (geteuid() != 0) return OkStatus();
  passwd* pw = getpwnam("postgres");
  if (!pw) return FailedPrecondition("running as root but there is no postgres user (install postgresql-15)");
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) return Internal("chown " + path + " failed");
  return OkStatus();
}

Status Sql(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(c, PQfinish);
  if (PQstatus(c) != CONNECTION_OK) return Unavailable(std::string("connect: ") + PQerrorMessage(c));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c, sql.c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Internal(std::string("sql: ") + PQerrorMessage(c));
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<PgCluster>> PgCluster::Start(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir)) {  // left over from a run that was killed
    (void)Stop(dir);
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  chmod(dir.c_str(), 0755);
  // The parent chain must be traversable by the postgres user.
  RETURN_IF_ERROR(ChownToPostgres(dir));
  std::string data = dir + "/data";
  RETURN_IF_ERROR(RunAsPostgres(PgBin() + "/initdb -D " + data + " -A trust -U riik -E UTF8 --no-sync"));
  std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  for (int attempt = 0; attempt < 20; ++attempt) {
    int port = 20000 + static_cast<int>(rng() % 30000);
    std::string opts = "-p " + std::to_string(port) + " -k " + dir +
                       " -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200";
    Status st = RunAsPostgres(PgBin() + "/pg_ctl -D " + data + " -l " + dir + "/log -w -t 60 -o '" + opts + "' start");
    if (st.ok()) {
      auto c = std::unique_ptr<PgCluster>(new PgCluster());
      c->dir_ = dir;
      c->admin_url_ = "postgresql://riik@127.0.0.1:" + std::to_string(port) + "/postgres";
      std::ofstream(dir + "/url") << c->admin_url_;
      return c;
    }
  }
  return Unavailable("could not start PostgreSQL in " + dir + " (see " + dir + "/log)");
}

Status PgCluster::Stop(const std::string& dir) {
  return RunAsPostgres(PgBin() + "/pg_ctl -D " + dir + "/data -m immediate -w stop");
}

PgCluster::~PgCluster() {
  if (keep_running_) return;
  (void)Stop(dir_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<std::string> NewTestDatabase() {
  static std::mutex mu;
  static std::unique_ptr<TempDir> own_dir;
  static std::unique_ptr<PgCluster> own_cluster;
  static std::atomic<int> counter{0};
  std::lock_guard lock(mu);
  std::string admin;
  if (const char* f = std::getenv("RIIK_TEST_PG_URL_FILE"); f && std::filesystem::exists(f)) {
    std::ifstream(f) >> admin;
  }
  if (admin.empty()) {
    if (!own_cluster) {
      own_dir = std::make_unique<TempDir>("riik-pg");
      chmod(own_dir->path().c_str(), 0755);  // the postgres user must reach the cluster
      ASSIGN_OR_RETURN(own_cluster, PgCluster::Start(own_dir->path().string() + "/cluster"));
    }
    admin = own_cluster->admin_url();
  }
  std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  RETURN_IF_ERROR(Sql(admin, "CREATE DATABASE " + name));
  return admin.substr(0, admin.rfind('/') + 1) + name;
}

Status ExecRaw(const std::string& store_url, const std::string& sql) {
  if (store_url.starts_with("sqlite:")) {
    sqlite3* db = nullptr;
    sqlite3_open(store_url.substr(7).c_str(), &db);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> owner(db, sqlite3_close);
    // The store under test may be writing at this moment (e.g. a message log storing a
    // timestamp token): wait for its lock instead of failing with "database is locked".
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "?";
      sqlite3_free(err);
      return Internal("sqlite: " + m);
    }
    return OkStatus();
  }
  return Sql(store_url, sql);
}

}  // namespace riik::testing
