// A throwaway PostgreSQL 15 cluster for tests: initdb + pg_ctl in a temporary
// directory, listening on 127.0.0.1 at a free port, run as the `postgres` user when
// the tests run as root (PostgreSQL refuses to run as root).
//
// Under ctest one cluster serves the whole run (the pg_cluster fixture writes its URL
// to the file named by RIIK_TEST_PG_URL_FILE); a test binary run by hand starts its own.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace riik::testing {

class PgCluster {
 public:
  // Starts a cluster whose files live in `dir` (created; must not exist yet).
  static Result<std::unique_ptr<PgCluster>> Start(const std::string& dir);
  // Stops a cluster started earlier in `dir` (by this or another process).
  static Status Stop(const std::string& dir);
  ~PgCluster();  // stops the cluster and removes its files, unless KeepRunning()

  // Leaves the cluster running when this object goes away (Stop(dir) ends it later).
  void KeepRunning() { keep_running_ = true; }

  // postgresql://riik@127.0.0.1:PORT/postgres
  const std::string& admin_url() const { return admin_url_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string admin_url_;
  bool keep_running_ = false;
};

// A fresh, empty database in the shared test cluster; returns its URL. Fails (and the
// test should fail, not skip) if no cluster can be had.
Result<std::string> NewTestDatabase();

// Runs SQL on a store URL (sqlite:PATH or postgresql://…) outside riik, as an attacker
// or a careless operator with database access would.
Status ExecRaw(const std::string& store_url, const std::string& sql);

}  // namespace riik::testing
