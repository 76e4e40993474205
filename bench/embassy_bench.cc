// embassy_bench: replication to a data embassy under load, on SQLite and PostgreSQL.
// The embassy is a real one (role embassy over mutual TLS on loopback, every segment
// checked and fsynced before acknowledged); the home node ships one store. Transactions
// are one-row puts (an address change's size). In the same run, per engine:
//
//   peer    the same writers into the same kind of store with no shipping: commits/s
//   sync    every commit returns once the embassy holds it (RPO 0): commits/s, the ratio
//           to the peer, commit latency p50/p99
//   async   a steady offered load (default 5,000 transactions/s) for S seconds: the lag
//           (age of the oldest entry the embassy lacks) sampled every 50 ms — median,
//           p99, max — and the achieved rate; then flat out: commits/s and the ratio
//
//   embassy_bench [--seconds S] [--rate R] [--writers N] [--engine sqlite|postgresql|both]
#include <libpq-fe.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "node/node.h"
#include "store/store.h"
#include "support/embassy_site.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

using namespace riik;
using SteadyClock = std::chrono::steady_clock;

namespace {

const store::TableSchema kAddresses = {
    "addresses",
    {{"person", store::ColumnType::kText}, {"address", store::ColumnType::kText}, {"n", store::ColumnType::kInt}},
    {"person"},
    {}};

struct Options {
  double seconds = 5;
  int rate = 5000;
  int writers = 16;
  std::string engine = "both";
};

Status Put(store::Store& s, int64_t n) {
  return s
      .Write([&](store::WriteTxn& t) {
        return t.Put("addresses", {{"person", "3800108" + std::to_string(1000 + n % 100000)},
                                   {"address", "Tartu maakond, Tartu linn, Rüütli tn " + std::to_string(n % 97)},
                                   {"n", n}});
      })
      .status();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct Run {
  double commits_per_s = 0;
  std::vector<double> latencies_ms;
  int64_t failed = 0;
};

// `writers` threads commit as fast as they can for `seconds`.
Run FlatOut(store::Store& s, int writers, double seconds, std::atomic<int64_t>& counter) {
  Run r;
  std::vector<std::vector<double>> lat(static_cast<size_t>(writers));
  std::atomic<int64_t> done{0}, failed{0};
  auto end = SteadyClock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      while (SteadyClock::now() < end) {
        auto t0 = SteadyClock::now();
        Status st = Put(s, counter++);
        if (!st.ok()) {  // a failed commit is not a commit: it counts as a failure only
          if (failed++ == 0) std::fprintf(stderr, "commit failed: %s\n", st.ToString().c_str());
          continue;
        }
        lat[static_cast<size_t>(w)].push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
        done++;
      }
    });
  }
  for (auto& t : threads) t.join();
  r.commits_per_s = static_cast<double>(done) / seconds;
  for (auto& l : lat) r.latencies_ms.insert(r.latencies_ms.end(), l.begin(), l.end());
  r.failed = failed;
  return r;
}

// Commits at a steady `rate` (spread over `writers` threads) for `seconds`, sampling the
// shipping lag of `node` every 50 ms.
struct Steady {
  double achieved = 0;
  int64_t failed = 0;
  std::vector<double> lag_s, lag_entries;
  double drain_s = 0;
};

Steady SteadyLoad(store::Store& s, node::Node& home, int rate, int writers, double seconds,
                  std::atomic<int64_t>& counter) {
  const std::string node = s.node();
  Steady out;
  std::atomic<int64_t> done{0}, failed{0};
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      // Writer w commits its share on a fixed schedule (open loop).
      double interval = static_cast<double>(writers) / rate;
      auto next = start + std::chrono::duration<double>(interval * w / writers);
      while (next < end) {
        std::this_thread::sleep_until(next);
        if (Put(s, counter++).ok()) {
          done++;
        } else {
          failed++;
        }
        next += std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(interval));
      }
    });
  }
  auto sample = [&](std::vector<double>* entries) {
    for (const auto& st : home.ShippingStatus()) {
      if (st["node"] != node) continue;
      if (entries) entries->push_back(st["lag_entries"].get<double>());
      return st["lag_seconds"].get<double>();
    }
    return -1.0;
  };
  auto lag = [&] { return sample(nullptr); };
  while (SteadyClock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    out.lag_s.push_back(sample(&out.lag_entries));
  }
  for (auto& t : threads) t.join();
  out.achieved = static_cast<double>(done) / seconds;
  out.failed = failed;
  auto drain_start = SteadyClock::now();
  while (lag() > 0 && SteadyClock::now() - drain_start < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  out.drain_s = std::chrono::duration<double>(SteadyClock::now() - drain_start).count();
  return out;
}

// A fresh store URL of the engine: a new SQLite file or a new PostgreSQL database.
std::string FreshUrl(const std::string& engine, const testing::TempDir& dir, testing::PgCluster* pg,
                     const std::string& name) {
  if (engine == "sqlite") return "sqlite:" + dir / (name + ".db");
  PGconn* admin = PQconnectdb(pg->admin_url().c_str());
  PQclear(PQexec(admin, ("CREATE DATABASE " + name).c_str()));
  PQfinish(admin);
  return pg->admin_url().substr(0, pg->admin_url().rfind('/') + 1) + name;
}

// A home node whose store `name` (at `url`) ships as configured; each phase has its own
// store, so that each is a journal of its own at the embassy.
Result<std::unique_ptr<node::Node>> Home(const testing::TempDir& dir, const std::string& name, const std::string& url,
                                         std::optional<node::RoleConfig> shipping) {
  node::NodeConfig c;
  c.data_dir = dir / ("home_" + name);
  c.roles.push_back(node::RoleConfig{"status", "status", {}, {}});
  c.store_urls[name] = url;
  if (shipping) {
    shipping->settings["stores"] = name;
    c.shipping = std::move(shipping);
  }
  ASSIGN_OR_RETURN(auto n, node::Node::Start(c));
  ASSIGN_OR_RETURN(store::Store * s, n->OpenStore(name));
  RETURN_IF_ERROR(s->EnsureTables({kAddresses}));
  return n;
}

int RunEngine(const std::string& engine, const Options& o) {
  testing::TempDir dir("riik-embassy-bench");
  std::unique_ptr<testing::PgCluster> pg;
  if (engine == "postgresql") {
    chmod(dir.path().c_str(), 0755);
    auto c = testing::PgCluster::Start(dir / "pg");
    if (!c.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL: %s\n", c.status().ToString().c_str());
      return 1;
    }
    pg = std::move(*c);
  }
  auto site = testing::EmbassySite::Create(dir / "site");
  if (!site.ok() || !(*site)->StartEmbassy().ok()) {
    std::fprintf(stderr, "cannot set up the embassy\n");
    return 1;
  }
  std::atomic<int64_t> counter{0};
  auto phase = [&](const char* name, std::optional<node::RoleConfig> shipping) -> std::unique_ptr<node::Node> {
    auto home = Home(dir, name, FreshUrl(engine, dir, pg.get(), name), std::move(shipping));
    if (!home.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, home.status().ToString().c_str());
      return nullptr;
    }
    return std::move(*home);
  };

  auto peer_home = phase("peer", std::nullopt);
  if (!peer_home) return 1;
  Run peer = FlatOut(**peer_home->OpenStore("peer"), o.writers, o.seconds, counter);
  peer_home.reset();

  auto sync_home = phase("sync", (*site)->Shipping("sync"));
  if (!sync_home) return 1;
  Run sync = FlatOut(**sync_home->OpenStore("sync"), o.writers, o.seconds, counter);
  sync_home.reset();

  auto async_home = phase("async", (*site)->Shipping("async"));
  if (!async_home) return 1;
  store::Store& async_store = **async_home->OpenStore("async");
  Steady steady = SteadyLoad(async_store, *async_home, o.rate, o.writers, o.seconds, counter);
  Run flat = FlatOut(async_store, o.writers, o.seconds, counter);
  async_home.reset();

  const char* e = engine.c_str();
  std::printf("%-10s peer (no shipping)  %8.0f commits/s  p50 %.2f ms  p99 %.2f ms   (%d writers, %.0f s)\n", e,
              peer.commits_per_s, Percentile(peer.latencies_ms, 0.5), Percentile(peer.latencies_ms, 0.99), o.writers,
              o.seconds);
  std::printf("%-10s sync                %8.0f commits/s  p50 %.2f ms  p99 %.2f ms   ratio %.2f%s\n", e,
              sync.commits_per_s, Percentile(sync.latencies_ms, 0.5), Percentile(sync.latencies_ms, 0.99),
              sync.commits_per_s / peer.commits_per_s, sync.failed ? "  (SOME COMMITS FAILED)" : "");
  std::printf(
      "%-10s async at %d/s      %8.0f commits/s  lag median %.3f s  p99 %.3f s  max %.3f s "
      "(%.0f entries at most)  drained in %.2f s\n",
      e, o.rate, steady.achieved, Percentile(steady.lag_s, 0.5), Percentile(steady.lag_s, 0.99),
      Percentile(steady.lag_s, 1.0), Percentile(steady.lag_entries, 1.0), steady.drain_s);
  std::printf("%-10s async flat out      %8.0f commits/s  p50 %.2f ms  p99 %.2f ms   ratio %.2f\n", e,
              flat.commits_per_s, Percentile(flat.latencies_ms, 0.5), Percentile(flat.latencies_ms, 0.99),
              flat.commits_per_s / peer.commits_per_s);
  std::fflush(stdout);
  const int64_t failures = peer.failed + sync.failed + steady.failed + flat.failed;
  if (failures > 0) {
    std::fprintf(stderr, "%s: %lld commits failed (not counted above): the figures measure a broken run\n", e,
                 static_cast<long long>(failures));
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seconds")
      o.seconds = std::stod(value);
    else if (flag == "--rate")
      o.rate = std::stoi(value);
    else if (flag == "--writers")
      o.writers = std::stoi(value);
    else if (flag == "--engine")
      o.engine = value;
    else {
      std::fprintf(stderr,
                   "usage: embassy_bench [--seconds S] [--rate R] [--writers N] [--engine sqlite|postgresql|both]\n");
      return 2;
    }
  }
  int rc = 0;
  if (o.engine == "sqlite" || o.engine == "both") rc |= RunEngine("sqlite", o);
  if (o.engine == "postgresql" || o.engine == "both") rc |= RunEngine("postgresql", o);
  return rc;
}
