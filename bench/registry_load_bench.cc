// registry_load_bench: Estonia's population (1.3 million by default) generated once and
// loaded into all five registries, one thread per registry, the way `riik registry load`
// and a first `riik up` do it (every row through the store's journal); against the
// same rows inserted into plain SQLite in the same run — same tables, keys and
// indexes, same pragmas (WAL, synchronous=FULL, 64 MiB cache), same transaction size,
// prepared statements, no journal. Rounds alternate the two, each into fresh files (the
// population is generated once); prints the medians, the ratio and the sizes on disk.
//
//   registry_load_bench [--count N] [--seed S] [--dir DIR] [--rounds R]
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "registry/load.h"
#include "registry/registers.h"

using namespace riik;
using bench::DirBytes;
using bench::SecondsSince;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

using bench::Median;

constexpr size_t kRowsPerTxn = 10000;  // as BulkLoader

// The peer: the same rows as plain SQLite inserts.
class PlainSqliteSink : public registry::RowSink {
 public:
  static Result<std::unique_ptr<PlainSqliteSink>> Open(const std::string& path,
                                                       const std::vector<store::TableSchema>& tables) {
    auto sink = std::unique_ptr<PlainSqliteSink>(new PlainSqliteSink);
    if (sqlite3_open(path.c_str(), &sink->db_) != SQLITE_OK) return Unavailable("cannot open " + path);
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA cache_size=-65536",
                               "PRAGMA wal_autocheckpoint=16384"}) {
      RETURN_IF_ERROR(sink->Exec(pragma));
    }
    for (const store::TableSchema& t : tables) {
      std::string sql = "CREATE TABLE " + t.name + " (", columns, marks;
      std::vector<std::string> names;
      for (const store::Column& c : t.columns) {
        sql += c.name +
               (c.type == store::ColumnType::kInt    ? " INTEGER"
                : c.type == store::ColumnType::kText ? " TEXT"
                                                     : " BLOB") +
               (c.nullable ? "" : " NOT NULL") + ", ";
        names.push_back(c.name);
      }
      sql += "PRIMARY KEY (";
      for (size_t i = 0; i < t.primary_key.size(); ++i) sql += (i ? ", " : "") + t.primary_key[i];
      RETURN_IF_ERROR(sink->Exec(sql + "))"));
      for (size_t i = 0; i < t.indexes.size(); ++i) {
        std::string index = "CREATE INDEX " + t.name + "_" + std::to_string(i) + " ON " + t.name + " (";
        for (size_t k = 0; k < t.indexes[i].size(); ++k) index += (k ? ", " : "") + t.indexes[i][k];
        RETURN_IF_ERROR(sink->Exec(index + ")"));
      }
      std::sort(names.begin(), names.end());  // a Row's order
      for (const std::string& n : names) {
        columns += (columns.empty() ? "" : ", ") + n;
        marks += marks.empty() ? "?" : ", ?";
      }
      sqlite3_stmt* insert = nullptr;
      std::string text = "INSERT INTO " + t.name + " (" + columns + ") VALUES (" + marks + ")";
      if (sqlite3_prepare_v2(sink->db_, text.c_str(), -1, &insert, nullptr) != SQLITE_OK)
        return Internal(sqlite3_errmsg(sink->db_));
      sink->inserts_[t.name] = insert;
    }
    RETURN_IF_ERROR(sink->Exec("BEGIN"));
    return sink;
  }
  ~PlainSqliteSink() override {
    for (auto& [name, stmt] : inserts_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Status Put(const std::string& table, store::Row row) override {
    sqlite3_stmt* stmt = inserts_.at(table);
    int i = 1;
    for (const auto& [column, value] : row) {
      if (const auto* n = std::get_if<int64_t>(&value)) {
        sqlite3_bind_int64(stmt, i, *n);
      } else if (const auto* text = std::get_if<std::string>(&value)) {
        sqlite3_bind_text(stmt, i, text->data(), static_cast<int>(text->size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(stmt, i);
      }
      ++i;
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) return Internal(std::string("insert: ") + sqlite3_errmsg(db_));
    sqlite3_reset(stmt);
    if (++in_txn_ == kRowsPerTxn) {
      in_txn_ = 0;
      RETURN_IF_ERROR(Exec("COMMIT"));
      RETURN_IF_ERROR(Exec("BEGIN"));
    }
    return OkStatus();
  }
  Status Finish() { return Exec("COMMIT"); }

 private:
  PlainSqliteSink() = default;
  Status Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      return Internal(sql + ": " + message);
    }
    return OkStatus();
  }
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> inserts_;
  size_t in_txn_ = 0;
};

// Runs `load(registry)` on one thread per registry; the wall time, or a failure.
Result<double> OnePerThread(const std::function<Status(const registry::RegistryInfo&)>& load) {
  auto start = SteadyClock::now();
  std::vector<Status> results(registry::Registries().size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = load(registry::Registries()[i]); });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) RETURN_IF_ERROR(st);
  return SecondsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
  registry::LoadOptions options;
  options.count = 1'300'000;
  std::string dir;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--count"))
      options.count = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dir"))
      dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--rounds"))
      rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  fs::path work =
      dir.empty() ? fs::temp_directory_path() / ("riik-regbench-" + std::to_string(::getpid())) : fs::path(dir);
  fs::create_directories(work / "riik");
  fs::create_directories(work / "plain");

  auto start = SteadyClock::now();
  auto pop = registry::GenerateFor(options);
  if (!pop.ok()) {
    std::fprintf(stderr, "registry_load_bench: %s\n", pop.status().ToString().c_str());
    return 1;
  }
  double generate_s = SecondsSince(start);
  int64_t rows = 0;
  for (const auto& r : registry::Registries()) rows += registry::RegisterOf(r.kind).row_count(*pop);
  std::printf("registry_load_bench: %lld persons generated in %.2f s; %lld rows for 5 registries, one thread each\n",
              static_cast<long long>(options.count), generate_s, static_cast<long long>(rows));

  std::vector<double> plain_s, riik_s;
  uint64_t riik_bytes = 0, plain_bytes = 0;
  for (int round = 1; round <= rounds; ++round) {
    fs::remove_all(work / "riik");
    fs::remove_all(work / "plain");
    fs::create_directories(work / "riik");
    fs::create_directories(work / "plain");
    auto plain = OnePerThread([&](const registry::RegistryInfo& r) -> Status {
      const registry::Register& reg = registry::RegisterOf(r.kind);
      ASSIGN_OR_RETURN(auto sink,
                       PlainSqliteSink::Open((work / "plain" / (std::string(r.name) + ".db")).string(), reg.tables()));
      RETURN_IF_ERROR(reg.load(*pop, *sink));
      return sink->Finish();
    });
    auto riik = plain.ok() ? OnePerThread([&](const registry::RegistryInfo& r) -> Status {
      std::string name = std::string("registry_") + r.name;
      ASSIGN_OR_RETURN(auto st, store::Store::Open({"sqlite:" + (work / "riik" / (name + ".db")).string(), name}));
      return registry::LoadRegistry(r.kind, *st, *pop, options);
    })
                           : plain;
    if (!plain.ok() || !riik.ok()) {
      std::fprintf(stderr, "registry_load_bench: %s\n",
                   (!plain.ok() ? plain.status() : riik.status()).ToString().c_str());
      return 1;
    }
    plain_s.push_back(*plain);
    riik_s.push_back(*riik);
    riik_bytes = DirBytes(work / "riik");
    plain_bytes = DirBytes(work / "plain");
    std::fprintf(stderr, "round %d: plain SQLite %.2f s, riik %.2f s\n", round, *plain, *riik);
  }
  const double plain = Median(plain_s), riik = Median(riik_s);
  std::printf("medians of %d alternating rounds, each into fresh files:\n", rounds);
  std::printf("plain SQLite inserts          %6.2f s  %8.0f rows/s  %6.0f MB\n", plain, rows / plain,
              plain_bytes / 1e6);
  std::printf("riik registries (journaled)   %6.2f s  %8.0f rows/s  %6.0f MB\n", riik, rows / riik, riik_bytes / 1e6);
  std::printf("ratio riik / plain (rows/s)   %.2f\n", plain / riik);
  std::printf("generated and loaded          %6.2f s  (goal <= 60 s)\n", generate_s + riik);
  if (dir.empty()) fs::remove_all(work);
  return 0;
}
