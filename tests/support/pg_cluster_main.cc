// pg_test_cluster start|stop DIR: the ctest fixture that gives the whole test run one
// PostgreSQL cluster (its URL is written to DIR/url).
#include <cstdio>
#include <cstring>

#include "support/pg_cluster.h"

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "start") != 0 && std::strcmp(argv[1], "stop") != 0)) {
    std::fprintf(stderr, "usage: pg_test_cluster start|stop DIR\n");
    return 2;
  }
  if (std::strcmp(argv[1], "stop") == 0) {
    riik::Status st = riik::testing::PgCluster::Stop(argv[2]);
    if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return st.ok() ? 0 : 1;
  }
  auto cluster = riik::testing::PgCluster::Start(argv[2]);
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    return 1;
  }
  std::printf("PostgreSQL test cluster at %s\n", (*cluster)->admin_url().c_str());
  (*cluster)->KeepRunning();  // for the other tests; `pg_test_cluster stop` ends it
  return 0;
}
